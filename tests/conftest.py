"""Test set-up shared by every folder: offscreen Qt, private config/data folders, a fresh store per test."""

from __future__ import annotations

import os
import tempfile

# Before anything imports Qt: no display in CI (docs/TOOLCHAIN.md §9).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
_private = tempfile.mkdtemp(prefix="dostyq-tests-")
os.environ.setdefault("DOSTYQ_CONFIG_DIR", os.path.join(_private, "config"))
os.environ.setdefault("DOSTYQ_DATA_DIR", os.path.join(_private, "data"))

import pytest

from desktop import i18n


@pytest.fixture
def store(tmp_path):
    from desktop.store import Store

    s = Store(tmp_path / "house.sqlite")
    s.set_house("KZ-55-01")
    yield s
    s.close()


@pytest.fixture
def clock():
    """Pins the app's clock (desktop.clock) for one test, in every thread: 20 November 2026, 12:00 in Almaty,
    unless the test moves it with `clock.set(...)` or `clock.advance(...)`."""
    from desktop.clock import FixedClock, use

    with use(FixedClock("2026-11-20T12:00:00+05:00")) as fixed:
        yield fixed


@pytest.fixture
def lang():
    """Switches the interface language for one test and restores English afterwards."""
    yield i18n.set_language
    i18n.set_language("en")


@pytest.fixture
def obeying_file_modes():
    """A command prefix for a child process that obeys file permissions even when the tests run as root
    (it drops CAP_DAC_OVERRIDE), so read-only files and folders can be tested for real."""
    return ["setpriv", "--bounding-set", "-dac_override,-dac_read_search"] if os.geteuid() == 0 else []
