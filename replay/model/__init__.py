"""tmigr_trace.replay.model: a pure, deterministic model of kernel/time/timer_migration.c.

Public API (documented in docs/model.md):

* `Topology` - possible CPUs, nodes, capacities, bring-up order, isolated set
  (`Topology.simple(n, nodes=1)`, `Topology.from_metadata(meta.topology)`).
* `Profile`, `PROFILES`, `select_profile(formats, observed_fields, kernel_release)`,
  `get_profile(name)` - the kernel's behavioural eras; `FAULTS` - switchable historical bugs.
* `Hierarchy(topology, profile, faults=None, boot=True, trace=True)` - the model: groups
  (`TmigrGroup`), CPUs (`TmigrCpu`), transitions named after the kernel functions returning the
  records the kernel would trace, resync methods for anchoring, `path_to_root`, `dump`, `shape`.
* `shape_from_setup_events(records)` - the tree of a real capture for comparison with
  `Hierarchy.shape()`.
"""

from .hierarchy import Hierarchy, ModelError, hierarchy_levels, order_base_2
from .profiles import (FAULTS, PROFILES, Profile, candidate_profiles, get_profile, parse_release,
                       select_profile)
from .shape import shape_from_setup_events
from .structs import (KTIME_MAX, NUMA_NO_NODE, TMIGR_CHILDREN_PER_GROUP, TMIGR_NONE, TmigrCpu,
                      TmigrEvent, TmigrGroup, TmigrTree)
from .topology import Topology

__all__ = [
    "Hierarchy", "ModelError", "Topology", "Profile", "PROFILES", "FAULTS", "select_profile",
    "get_profile", "parse_release", "candidate_profiles", "shape_from_setup_events", "hierarchy_levels", "order_base_2",
    "TmigrGroup", "TmigrCpu", "TmigrEvent", "TmigrTree", "KTIME_MAX", "TMIGR_NONE",
    "NUMA_NO_NODE", "TMIGR_CHILDREN_PER_GROUP",
]
