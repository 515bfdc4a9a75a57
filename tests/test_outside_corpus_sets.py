"""The outside-class corpus sets (collectors/lab/outside_corpus.py): every run of both sets is a
topology and bring-up order the lab accepts, names are unique, and `--list --set extra` lists the
second set (no QEMU: the runs themselves are made by hand, docs/lab.md)."""

from __future__ import annotations

from tmigr_trace.collectors.lab import outside_corpus as oc
from tmigr_trace.collectors.lab import run


def test_every_run_is_a_topology_and_order_the_lab_accepts():
    for runs, _, _ in oc.SETS.values():
        for s in runs:
            topo = oc.topology(s)       # (uneven nodes, possible CPUs and nohz_full as the run builds them)
            topo.check()
            run.check_online_order(s.order, topo)


def test_labels_are_unique_within_and_across_sets():
    labels = [f"{s.kernel}-{s.cpus}cpu-{s.nodes}node-{s.name}" for runs, _, _ in oc.SETS.values() for s in runs]
    assert len(labels) == len(set(labels))


def test_an_explicit_order_that_leaves_cpus_offline_says_which():
    s = oc.Spec("x", "7.3", cpus=32, maxcpus=3, order="3-15,16-19")
    assert oc.offline_left(s) == "20-31"
    assert "CPUs 20-31 stay offline" in oc.init_did(s)
    assert oc.offline_left(oc.Spec("x", "7.3", maxcpus=3, order="glob")) == ""


def test_list_of_the_extra_set(capsys):
    assert oc.main(["--set", "extra", "--list", "--only", "6.12.43"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out and all(line.startswith("6.12.43-") for line in out)
