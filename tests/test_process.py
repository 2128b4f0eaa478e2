"""The command line switches transparent huge pages off for its own process only."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/status").exists(), reason="reads THP_enabled from /proc (Linux)"
)

_REPORT = (
    "import sys; from landeval import _process\n"
    "if sys.argv[1] == 'cli':\n"
    "    from landeval import cli\n"
    "    try:\n"
    "        cli.main(['config', '--help'])\n"
    "    except SystemExit:\n"
    "        pass\n"
    "elif sys.argv[1] == 'call':\n"
    "    print('returned', _process.disable_transparent_hugepages())\n"
    "line = [x for x in open('/proc/self/status') if x.startswith('THP_enabled')]\n"
    "print('STATUS', line[0].split()[1] if line else 'unknown')\n"
)


def _status(mode: str, **env: str) -> str:
    proc = subprocess.run(
        [sys.executable, "-c", _REPORT, mode],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, **env},
    )
    status = proc.stdout.rsplit("STATUS", 1)[1].strip()
    if status == "unknown":
        pytest.skip("this kernel does not report THP_enabled")
    return status


def test_importing_landeval_leaves_the_process_alone():
    assert _status("import") == "1"


def test_the_command_line_switches_huge_pages_off():
    assert _status("cli") == "0"


def test_the_switch_reports_what_it_did():
    proc = subprocess.run(
        [sys.executable, "-c", _REPORT, "call"], capture_output=True, text=True, check=True
    )
    assert "returned True" in proc.stdout
    assert proc.stdout.rstrip().endswith("STATUS 0")


def test_an_environment_variable_keeps_the_system_behaviour():
    assert _status("cli", LANDEVAL_HUGEPAGES="1") == "1"
