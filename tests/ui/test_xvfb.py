"""The app in a real X window (xcb platform) on Xvfb, as on a house PC."""

import os
import shutil
import subprocess
import sys

import pytest

pytestmark = pytest.mark.xvfb


def test_window_opens_on_xvfb_with_the_xcb_platform(tmp_path):
    if not shutil.which("xvfb-run"):
        if os.environ.get("CI"):
            pytest.fail("xvfb-run is missing: scripts/dostyq.sh installs it")
        pytest.skip("xvfb-run is not installed")
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    env.update(QT_QPA_PLATFORM="xcb", DOSTYQ_STARTUP_PROBE="exit", DOSTYQ_CONFIG_DIR=str(tmp_path / "cfg"))
    result = subprocess.run(
        [
            "xvfb-run",
            "-a",
            "-s",
            "-screen 0 1280x800x24",
            sys.executable,
            "-m",
            "ui.app",
            "--db",
            str(tmp_path / "a.sqlite"),
            "--lang",
            "kk",
            "--demo",
            "--as",
            "staff",
        ],
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert "window_shown" in result.stdout
