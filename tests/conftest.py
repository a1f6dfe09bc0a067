"""Test set-up shared by every folder: offscreen Qt, private config/data folders, a fresh store per test."""

from __future__ import annotations

import ipaddress
import os
import socket
import tempfile

# Before anything imports Qt: no display in CI (docs/TOOLCHAIN.md §9).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
_private = tempfile.mkdtemp(prefix="dostyq-tests-")
os.environ.setdefault("DOSTYQ_CONFIG_DIR", os.path.join(_private, "config"))
os.environ.setdefault("DOSTYQ_DATA_DIR", os.path.join(_private, "data"))

import pytest

from desktop import i18n

# Tests talk only to this machine (127.0.0.1, ::1, local sockets). A name or an address elsewhere is refused at
# once, as an unreachable network would refuse it, so no test waits on a resolver or reaches out by mistake.
_real_getaddrinfo = socket.getaddrinfo
_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def _is_loopback(host) -> bool:
    if host in (None, "", "localhost"):
        return True
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    try:
        return ipaddress.ip_address(str(host).strip("[]").split("%")[0]).is_loopback
    except ValueError:
        return False


def _loopback_getaddrinfo(host, *args, **kwargs):
    if not _is_loopback(host):
        raise socket.gaierror(socket.EAI_NONAME, f"tests reach only this machine, not {host!r}")
    return _real_getaddrinfo(host, *args, **kwargs)


def _check_address(sock, address) -> None:
    if sock.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(address[0]):
        raise ConnectionRefusedError(f"tests reach only this machine, not {address[0]!r}")


def _loopback_connect(self, address):
    _check_address(self, address)
    return _real_connect(self, address)


def _loopback_connect_ex(self, address):
    _check_address(self, address)
    return _real_connect_ex(self, address)


socket.getaddrinfo = _loopback_getaddrinfo
socket.socket.connect = _loopback_connect  # type: ignore[method-assign]
socket.socket.connect_ex = _loopback_connect_ex  # type: ignore[method-assign]


@pytest.fixture
def store(tmp_path):
    from desktop.store import Store

    s = Store(tmp_path / "house.sqlite")
    s.set_house("KZ-55-01")
    yield s
    s.close()


@pytest.fixture(autouse=True)
def _no_widgets_left_over():
    """Widgets an earlier test closed are deleted before this one starts: a window waiting for its deferred
    delete would otherwise still take this test's language change and read the earlier test's closed database."""
    import sys

    if "PySide6.QtWidgets" in sys.modules:
        from PySide6.QtCore import QEvent
        from PySide6.QtWidgets import QApplication

        if QApplication.instance() is not None:
            QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    yield


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
