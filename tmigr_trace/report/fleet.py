"""Runs the per-capture analyses of a report in parallel with Dask.

By default a local cluster of worker *processes* (the replay is pure Python and holds the GIL, so
threads would not help), one per core unless `workers` says otherwise; `scheduler` connects to an
existing cluster instead (`tcp://host:8786`: every worker must see the capture paths and have
tmigr-trace installed). `workers=0` runs in this process, one capture after the other.

Local workers are forked from this process (Linux): they start in well under a second with
tmigr-trace, pandas and pyarrow already imported, where spawned ones take 5-10 s on a busy 2-core
machine. Nothing here has started a thread pool before the fork. Setting
`DASK_DISTRIBUTED__WORKER__MULTIPROCESSING_METHOD=spawn` (Dask's default) keeps Dask's choice.
"""

from __future__ import annotations

import logging
import os
import sys
from typing import Callable

from ..errors import TmigrError
from .analyze import CaptureAnalysis, CaptureInput, analyze_capture


# Dask's own monitoring of a local cluster, polled less often: by default the scheduler and each
# worker sample their process and the host's disk I/O with psutil every 500 ms and each nanny its
# worker's memory every 100 ms, 1.6 % of a core in the tmigr-trace process alone over a 22-minute
# report (py-spy). A report's tasks hold one capture each: a memory limit checked each second
# still pauses or restarts a worker in time. The statistical profiler (a stack walk of the
# replaying thread every 10 ms) feeds a dashboard a local report does not start. Only for the
# cluster started here (--scheduler: the cluster's own configuration).
LOCAL_MONITORING = {"distributed.admin.system-monitor.interval": "2s",
                    "distributed.admin.system-monitor.disk": False,
                    "distributed.worker.memory.monitor-interval": "1s",
                    "distributed.worker.profile.enabled": False}


def _warm_up(draw: bool) -> None:
    """Import what the report needs after the replays (scipy.stats, matplotlib: 1.5-2 s) in this
    process while the workers replay, instead of after them. The workers were forked before: they
    do not carry these modules."""
    import scipy.stats  # noqa: F401

    if draw:
        from . import plots  # noqa: F401


def run_all(items: list[CaptureInput], *, workers: int | None = None, scheduler: str | None = None,
            progress: Callable[[CaptureAnalysis], None] | None = None, plots: bool = True) -> list[CaptureAnalysis]:
    """Analyses in the order of `items`; the first failing capture's error ends the report."""
    if scheduler is None and (workers == 0 or len(items) <= 1):
        out = []
        for it in items:
            out.append(analyze_capture(it))
            if progress:
                progress(out[-1])
        return out
    import dask
    from dask.distributed import Client, LocalCluster, as_completed

    for name in ("distributed", "distributed.worker", "distributed.scheduler", "distributed.nanny"):
        logging.getLogger(name).setLevel(logging.CRITICAL)   # a failed capture is reported once, below
    cluster = None
    try:
        if scheduler is not None:
            try:
                client = Client(scheduler, timeout="10s")
            except (OSError, TimeoutError) as exc:
                raise TmigrError(f"--scheduler {scheduler}: cannot connect ({exc})") from None
        else:
            n = workers or os.cpu_count() or 1
            if sys.platform == "linux" and "DASK_DISTRIBUTED__WORKER__MULTIPROCESSING_METHOD" not in os.environ:
                dask.config.set({"distributed.worker.multiprocessing-method": "fork"})
            with dask.config.set(LOCAL_MONITORING):    # read when the scheduler, nannies, workers start
                cluster = LocalCluster(n_workers=min(n, len(items)), threads_per_worker=1, processes=True,
                                       dashboard_address=None, silence_logs=logging.CRITICAL)
            client = Client(cluster)
        with client:
            futures = client.map(analyze_capture, items, pure=False)
            _warm_up(plots)
            index = {f.key: i for i, f in enumerate(futures)}
            results: list[CaptureAnalysis | None] = [None] * len(items)
            for fut in as_completed(futures):
                try:
                    res = fut.result()
                except TmigrError as exc:
                    path = items[index[fut.key]].path
                    raise TmigrError(str(exc) if str(exc).startswith(path) else f"{path}: {exc}") from None
                results[index[fut.key]] = res
                if progress:
                    progress(res)
            return [r for r in results if r is not None]
    finally:
        if cluster is not None:
            cluster.close()
