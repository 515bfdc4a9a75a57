# The two quick-start commands, plus fixture regeneration from the kernel lab.
.PHONY: demo test fixtures setup

setup:
	@bash scripts/setup.sh

demo: setup
	@bash scripts/demo.sh

test: setup
	@bash scripts/test.sh

fixtures: setup
	python3 -m tmigr_trace.collectors.lab.fixtures
