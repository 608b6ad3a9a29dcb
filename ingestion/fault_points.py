"""Named points where the reliability tests stop a real run to kill it there.

`VWU_TEST_FAULT=<point>=<marker path>` (read at each point, never at import): the first time
the run reaches `<point>` it writes what it is doing into the marker file and waits while the
marker exists; the test kills the run during that wait. Unset, a point costs one dictionary
lookup. The points:

- `landing.committed`: a chunk of files has committed, its inbox files not yet removed;
- `step_start:<step key>`: the run's executor is about to run that step (its STEP_START is
  out): e.g. a quality check step, after the checks before it have finished;
- `publish.copy`: the publisher has written the first table of a new publication, the rest not.

Plain Python with no Dagster import, so landing (ingestion/) and orchestration can both call it.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

FAULT_ENV = "VWU_TEST_FAULT"
WAIT_SECONDS = 600.0
_fired: set[str] = set()


def fault_point(name: str, detail: str = "") -> None:
    spec = os.environ.get(FAULT_ENV)
    if not spec:
        return
    point, _, marker = spec.partition("=")
    if point != name or name in _fired or not marker:
        return
    _fired.add(name)
    hold = Path(marker)
    announced = hold.with_name(hold.name + ".writing")
    announced.write_text(f"{name}\n{detail}\n")
    announced.replace(hold)  # the test sees the whole announcement or none
    deadline = time.monotonic() + WAIT_SECONDS
    while hold.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
