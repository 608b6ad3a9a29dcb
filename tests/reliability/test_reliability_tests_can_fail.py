"""A test of the tests: the reliability tests run against publishers made non-atomic, and
fail. A test that passes whatever the publisher does proves nothing.

Each mutant is installed by a `sitecustomize` module on the PYTHONPATH of a pytest run of
test_kill_mid_run.py (and so of every pipeline run it starts), changing one thing of the real
publisher at start-up:

- `copy_over`: the rename over the published file becomes a copy over it (the same inode is
  rewritten in place); an analyst holding the file open reads the new bytes, or half of them.
- `write_in_place`: the new publication is written straight into the published file's place;
  a kill during the copy leaves it half-written.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.reliability.pipeline_process import REPO_ROOT, WAIT_SECONDS

pytestmark = [pytest.mark.reliability, pytest.mark.slow]

MUTANT_ENV = "RELIABILITY_MUTANT"
SITECUSTOMIZE = """
import os

_MUTANT = os.environ.get("RELIABILITY_MUTANT")

if _MUTANT:
    import shutil
    import types

    from orchestration.publish import publisher
    from orchestration.settings import Settings

    if _MUTANT == "copy_over":

        def _copy_over(source, target):
            # A copy onto the live file, as a naive publisher would: same inode, rewritten.
            if os.path.exists(target):
                os.chmod(target, 0o644)
            shutil.copyfile(source, target)
            os.unlink(source)

        publisher.os = types.SimpleNamespace(
            **{name: getattr(os, name) for name in dir(os) if not name.startswith("__")}
        )
        publisher.os.replace = _copy_over

    elif _MUTANT == "write_in_place":
        _write_copy = publisher.write_copy

        def _write_in_place(build_db, temporary, run_id, tables):
            live = Settings.from_env().published_db
            live.unlink(missing_ok=True)
            expected = _write_copy(build_db, live, run_id, tables)
            shutil.copyfile(live, temporary)  # the rest of the protocol carries on as before
            return expected

        publisher.write_copy = _write_in_place
"""

# Mutant → the tests that must catch it (selected with -k, so only the runs they need run).
CAUGHT_BY = {
    "copy_over": ["test_analyst_holding_the_file_keeps_reading_the_earlier_version"],
    "write_in_place": ["test_kill_during_the_copy_leaves_the_complete_earlier_version"],
}


def run_reliability_tests(tmp_path: Path, mutant: str, tests: list[str]) -> tuple[int, str]:
    mutant_path = tmp_path / "mutant"
    mutant_path.mkdir()
    (mutant_path / "sitecustomize.py").write_text(SITECUSTOMIZE)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update(
        {MUTANT_ENV: mutant, "PYTHONPATH": os.pathsep.join([str(REPO_ROOT), str(mutant_path)])}
    )
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "tests/reliability/test_kill_mid_run.py"]
        + ["-p", "no:cacheprovider", "-q", "-rfE", "-k", " or ".join(tests)]
        + ["--basetemp", str(tmp_path / "runs")],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=WAIT_SECONDS * 3,
    )
    return done.returncode, done.stdout + done.stderr


@pytest.mark.parametrize("mutant", sorted(CAUGHT_BY))
def test_the_reliability_tests_fail_on_a_non_atomic_publish(tmp_path, mutant):
    code, output = run_reliability_tests(tmp_path, mutant, CAUGHT_BY[mutant])
    # Failed on an assertion of the test: an error in a fixture would prove nothing.
    failed = set(re.findall(r"^FAILED \S+::(\w+)", output, re.M))
    assert "ERROR" not in re.findall(r"^(ERROR) ", output, re.M), output[-4000:]
    assert code == 1, output[-4000:]  # tests failed, not pytest itself
    assert failed == set(CAUGHT_BY[mutant]), output[-4000:]
