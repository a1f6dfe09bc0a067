"""Every section and every dialog, in Kazakh and in Russian, fits a 1366×768 screen with a taskbar (1366×728 for the
window with its title bar) and shows its labels, buttons, check boxes, tabs and column titles whole: the app in a
real X window (xcb) on Xvfb, driven by tests/ui/fit_probe.py (one X server, one app for both languages)."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.xvfb

PROBE = Path(__file__).with_name("fit_probe.py")


def test_every_window_fits_1366x768_and_no_text_is_cut(tmp_path):
    if not shutil.which("xvfb-run"):
        if os.environ.get("CI"):
            pytest.fail("xvfb-run is missing: scripts/dostyq.sh installs it")
        pytest.skip("xvfb-run is not installed")
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    env.update(QT_QPA_PLATFORM="xcb", DOSTYQ_CONFIG_DIR=str(tmp_path / "cfg"))
    result = subprocess.run(
        [
            "xvfb-run",
            "-a",
            "-s",
            "-screen 0 1366x768x24",
            sys.executable,
            str(PROBE),
            str(tmp_path / "a.sqlite"),
        ],
        capture_output=True,
        text=True,
        timeout=240,
        env=env,
    )
    lines = result.stdout.splitlines()
    assert "SELF_CHECK ok" in lines, result.stdout + result.stderr  # the checks can fail
    done = [line for line in lines if line.startswith("FIT_DONE ")]
    assert done and int(done[0].split()[1]) >= 100, result.stdout + result.stderr
    problems = [json.loads(line) for line in lines if line.startswith("{")]
    assert not problems, "\n".join(json.dumps(p, ensure_ascii=False) for p in problems)
