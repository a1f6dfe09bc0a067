"""Builds the one-folder bundle with PyInstaller and runs it: --version, and a screenshot offscreen.
Slow (about a minute): `pytest -m "not packaging"` skips it; the README's test command and CI run it."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.packaging
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    work = tmp_path_factory.mktemp("pyinstaller")
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "i18n.py"), "compile"], check=True, capture_output=True
    )
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--clean",
            "--distpath",
            str(work / "dist"),
            "--workpath",
            str(work / "build"),
            str(ROOT / "packaging" / "dostyq.spec"),
        ],
        capture_output=True,
        text=True,
        timeout=900,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    yield work / "dist" / "dostyq"
    shutil.rmtree(work, ignore_errors=True)


def test_bundle_prints_its_version(bundle):
    out = subprocess.run([str(bundle / "dostyq"), "--version"], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("Dostyq ")


def test_bundle_renders_a_kazakh_screenshot_offscreen(bundle, tmp_path):
    shot = tmp_path / "bundle.png"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "DOSTYQ_CONFIG_DIR": str(tmp_path / "cfg")}
    out = subprocess.run(
        [
            str(bundle / "dostyq"),
            "--db",
            str(tmp_path / "b.sqlite"),
            "--lang",
            "kk",
            "--demo",
            "--screenshot",
            str(shot),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
    )
    assert out.returncode == 0, out.stderr
    assert shot.stat().st_size > 10_000
    assert any(
        p.name.startswith("DejaVuSans")
        for p in (bundle / "_internal" / "desktop" / "assets" / "fonts").iterdir()
    )
    assert (bundle / "_internal" / "locales" / "kk" / "LC_MESSAGES" / "app.mo").exists()


def test_bundle_keeps_only_the_languages_it_needs(bundle):
    babel_data = list((bundle / "_internal").rglob("babel/locale-data/*.dat"))
    assert babel_data and all(
        p.name.split("_")[0].split(".")[0] in {"root", "kk", "ru", "en"} for p in babel_data
    )
