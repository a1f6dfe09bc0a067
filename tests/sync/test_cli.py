"""`dostyq-server`: zero set-up SQLite in a data folder, admin commands, and `serve` answering /health."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import requests

from sync.server import cli
from sync.server.store import ServerStore, default_url


def test_admin_commands(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("DOSTYQ_DATABASE_URL", raising=False)
    data = str(tmp_path / "data")
    assert (
        cli.main(
            [
                "--data",
                data,
                "house",
                "add",
                "KZ-55-02",
                "--region",
                "KZ-55",
                "--name-kk",
                "Екібастұз Достық үйі",
                "--name-ru",
                "Дом дружбы Экибастуза",
            ]
        )
        == 0
    )
    assert (
        cli.main(
            ["--data", data, "house", "add", "X-1", "--region", "KZ-99", "--name-kk", "a", "--name-ru", "b"]
        )
        == 2
    )  # unknown region
    assert cli.main(["--data", data, "device", "code", "KZ-55-02", "--hours", "1"]) == 0
    out = capsys.readouterr().out
    code = out.strip().split(": ", 1)[1].split(" ")[0]
    store = ServerStore(default_url(data))
    _token, token_id, house = store.enrol(code, "pc1", "reception")
    store.close()
    assert house == "KZ-55-02"
    assert cli.main(["--data", data, "device", "list", "KZ-55-02"]) == 0
    assert token_id in capsys.readouterr().out
    assert cli.main(["--data", data, "device", "revoke", token_id]) == 0
    assert cli.main(["--data", data, "device", "revoke", token_id]) == 1  # already revoked
    assert cli.main(["--data", data, "coordinator", "add", "KZ-55"]) == 0
    assert cli.main(["--data", data, "house", "list"]) == 0
    assert "Екібастұз" in capsys.readouterr().out
    store = ServerStore(default_url(data))
    with store.engine.connect() as conn:
        before = store._epoch(conn)
    store.close()
    assert cli.main(["--data", data, "restored"]) == 0
    assert before not in capsys.readouterr().out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_runs_with_no_set_up(tmp_path):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "DOSTYQ_DATABASE_URL"}
    env["PYTHONPATH"] = os.getcwd()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sync.server.cli",
            "serve",
            "--port",
            str(port),
            "--data",
            str(tmp_path / "data"),
            "--enrol-burst",
            "2",
            "--enrol-per-minute",
            "1",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        body = None
        while time.monotonic() < deadline:
            try:
                body = requests.get(f"http://127.0.0.1:{port}/health", timeout=5).json()
                break
            except requests.RequestException:  # not listening yet, or slow to answer on a busy machine
                time.sleep(0.1)
        assert body == {"status": "ok", "protocol": 1, "database": "sqlite"}
        assert (tmp_path / "data" / "dostyq-server.sqlite3").exists()
        # The rate options reach the app: two enrolment attempts at once, then a minute's wait.
        guess = {"v": 1, "code": "ABCD-EFGH-JKLM", "device_id": "pc-1"}
        answers = [
            requests.post(f"http://127.0.0.1:{port}/v1/enrol", json=guess, timeout=5) for _ in range(3)
        ]
        assert [r.status_code for r in answers] == [400, 400, 429]
        assert answers[2].headers["Retry-After"] == "60"
    finally:
        proc.terminate()
        proc.wait(10)


def test_the_administrators_messages_follow_dostyq_lang(tmp_path, capsys, monkeypatch):
    from desktop import i18n

    data = str(tmp_path / "srv")
    monkeypatch.setenv("DOSTYQ_LANG", "ru")
    try:
        assert cli.main(["--data", data, "device", "revoke", "no-such-token"]) == 1
        assert "нет действующего токена no-such-token" in capsys.readouterr().err
        monkeypatch.setenv("DOSTYQ_LANG", "kk")
        assert cli.main(["--data", data, "restored"]) == 0
        assert "тарихтың жаңа кезеңі" in capsys.readouterr().out
    finally:
        i18n.set_language("en")
