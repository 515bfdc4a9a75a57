"""The README's schema table is the schema module's, and the schema covers every tracepoint."""

from tmigr_trace.schema import EVENTS, TMIGR_EVENTS, print_keys, schema_markdown

from conftest import HOST_618, ROOT


def test_readme_schema_table_is_generated_from_the_schema():
    text = (ROOT / "README.md").read_text()
    start = text.index("<!-- schema:begin -->") + len("<!-- schema:begin -->")
    table = text[start:text.index("<!-- schema:end -->")].strip()
    assert table == schema_markdown(), "README schema table is stale: paste `python -m tmigr_trace.schema`"


def test_every_field_of_this_kernels_formats_has_a_column():
    """Each field of every timer_migration format file of the running kernel maps to a column."""
    formats = (HOST_618 / "formats.txt").read_text().split("== ")[1:]
    seen = set()
    for fmt in formats:
        name = fmt.split("name: ")[1].split()[0]
        seen.add(name)
        fields = [line.split(";")[0].split()[-1] for line in fmt.splitlines()
                  if line.strip().startswith("field:") and "common_" not in line]
        keys = print_keys(name)
        assert fields and all(f.lstrip("*") in keys for f in fields), (name, fields)
    assert seen <= set(TMIGR_EVENTS) and len(seen) == 14
    assert {e.name for e in EVENTS} >= {"tmigr_cpu_available", "tmigr_cpu_unavailable"}
