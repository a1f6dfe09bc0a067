"""A database file Dostyq must not use gets a clear message and stays untouched."""

import hashlib
import os
import sqlite3
import subprocess
import sys

import pytest

from desktop import schema
from desktop.errors import StoreOpenError
from desktop.instance_lock import InstanceLock
from desktop.store import Store


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_not_sqlite_file_is_refused_and_untouched(tmp_path, lang):
    path = tmp_path / "notes.sqlite"
    path.write_text("shopping list: flour, rice\n" * 10)
    before = digest(path)
    with pytest.raises(StoreOpenError) as err:
        Store(path)
    assert err.value.kind == "not_sqlite"
    assert digest(path) == before
    lang("ru")
    assert "не является базой данных Dostyq" in err.value.message


def test_newer_schema_is_refused_and_untouched(tmp_path, lang):
    path = tmp_path / "future.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x)")
    conn.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION + 5}")
    conn.commit()
    conn.close()
    before = digest(path)
    with pytest.raises(StoreOpenError) as err:
        Store(path)
    assert err.value.kind == "too_new"
    assert digest(path) == before
    assert not (tmp_path / "future.sqlite-wal").exists()
    lang("kk")
    assert "жаңа нұсқасында" in err.value.message


def test_read_only_file_is_refused(tmp_path):
    """Root ignores file modes, so the child runs without CAP_DAC_OVERRIDE (setpriv) and obeys them."""
    folder = tmp_path / "ro"
    folder.mkdir()
    Store(folder / "house.sqlite").close()
    for leftover in folder.glob("house.sqlite-*"):
        leftover.unlink()
    before = digest(folder / "house.sqlite")
    os.chmod(folder / "house.sqlite", 0o444)
    os.chmod(folder, 0o555)
    script = (
        "import sys; from desktop.store import Store; from desktop.errors import StoreOpenError\n"
        "try:\n    Store(sys.argv[1]); print('opened')\nexcept StoreOpenError as e:\n    print(e.kind)\n"
    )
    prefix = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search"] if os.geteuid() == 0 else []
    try:
        out = subprocess.run(
            [*prefix, sys.executable, "-c", script, str(folder / "house.sqlite")],
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, "PYTHONPATH": os.getcwd()},
        )
    finally:
        os.chmod(folder, 0o755)
    assert out.stdout.strip() == "read_only", out.stderr
    assert digest(folder / "house.sqlite") == before


def test_second_running_dostyq_is_refused(tmp_path):
    path = tmp_path / "house.sqlite"
    with InstanceLock(path):
        script = (
            "import sys; from desktop.instance_lock import InstanceLock\n"
            "from desktop.errors import StoreOpenError\n"
            "try:\n    InstanceLock(sys.argv[1]).acquire(); print('acquired')\n"
            "except StoreOpenError as e:\n    print(e.kind)\n"
        )
        out = subprocess.run(
            [sys.executable, "-c", script, str(path)],
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, "PYTHONPATH": os.getcwd()},
        )
        assert out.stdout.strip() == "locked", out.stderr
    InstanceLock(path).acquire()  # free again once the first one let go
