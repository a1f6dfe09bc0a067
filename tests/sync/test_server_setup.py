"""packaging/server/setup.sh against the test PostgreSQL cluster, with every path under a temporary root.

No apt, systemctl or user creation here (--root); the role, database, env file, tables, units and nginx site are
real, and the server is then started the way the written unit starts it.
"""

from __future__ import annotations

import os
import secrets
import shlex
import shutil
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa

from tests.sync.conftest import _psql

pytestmark = pytest.mark.postgres

SETUP = Path(__file__).resolve().parents[2] / "packaging" / "server" / "setup.sh"
DOMAIN = "sync.test.kz"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def pg_admin_url(pg_url):
    """A superuser URL on the test cluster: DOSTYQ_TEST_PG_ADMIN_URL, DOSTYQ_TEST_PG_URL if it is a superuser, or a
    superuser role made for this test on the cluster conftest started."""
    url = os.environ.get("DOSTYQ_TEST_PG_ADMIN_URL")
    if url:
        yield url
        return
    if os.environ.get("DOSTYQ_TEST_PG_URL"):
        engine = sa.create_engine(pg_url)
        with engine.connect() as conn:
            superuser = conn.execute(
                sa.text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            ).scalar()
        engine.dispose()
        if not superuser:
            pytest.skip("set DOSTYQ_TEST_PG_ADMIN_URL (a superuser on the test cluster) to run setup.sh")
        yield pg_url
        return
    if os.geteuid() != 0:
        pytest.skip("starting the test cluster needs root")
    name = f"dostyq_admin_{os.getpid()}_{secrets.token_hex(3)}"
    password = secrets.token_hex(12)
    _psql(f"CREATE ROLE {name} SUPERUSER LOGIN PASSWORD '{password}'")
    host_port = pg_url.split("@", 1)[1].rsplit("/", 1)[0]
    yield f"postgresql+psycopg://{name}:{password}@{host_port}/postgres"
    _psql(f"DROP ROLE IF EXISTS {name}")


def _run_setup(args: list[str]) -> subprocess.CompletedProcess:
    res = subprocess.run(
        ["bash", str(SETUP), *args], capture_output=True, text=True, timeout=180, check=False
    )
    assert res.returncode == 0, res.stdout + res.stderr
    return res


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _unit_command(unit: str) -> tuple[list[str], dict[str, str]]:
    lines = unit.splitlines()
    exec_start = next(ln.split("=", 1)[1] for ln in lines if ln.startswith("ExecStart="))
    env = dict(ln.split("=", 1)[1].split("=", 1) for ln in lines if ln.startswith("Environment="))
    return shlex.split(exec_start), env


@pytest.mark.skipif(not shutil.which("psql") or not shutil.which("openssl"), reason="needs psql and openssl")
def test_setup_against_the_test_cluster(tmp_path, pg_url, pg_admin_url):
    root = tmp_path / "root"
    db = f"dostyq_setup_{os.getpid()}_{secrets.token_hex(3)}"
    host, port = pg_url.split("@", 1)[1].rsplit("/", 1)[0].rsplit(":", 1)
    app_port = _free_port()
    venv = Path(sys.executable).parent.parent
    args = [
        "--root", str(root), "--pg-admin-url", pg_admin_url, "--db-name", db,
        "--db-host", host, "--db-port", port, "--venv", str(venv),
        "--domain", DOMAIN, "--port", str(app_port),
    ]  # fmt: skip
    admin = sa.create_engine(pg_admin_url, isolation_level="AUTOCOMMIT")
    try:
        first = _run_setup(args)
        assert "SELF-SIGNED" in first.stdout
        with admin.connect() as conn:
            assert conn.execute(sa.text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": db}).scalar() == 1
            owner = conn.execute(
                sa.text("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = :n"), {"n": db}
            ).scalar()
            assert owner == db

        env_file = root / "etc/dostyq/server.env"
        assert stat.S_IMODE(env_file.stat().st_mode) == 0o600
        env_lines = [ln for ln in env_file.read_text().splitlines() if not ln.startswith("#")]
        assert len(env_lines) == 1 and env_lines[0].startswith("DOSTYQ_DATABASE_URL=postgresql+psycopg://")
        url = env_lines[0].split("=", 1)[1]
        assert url.endswith(f"@{host}:{port}/{db}")
        engine = sa.create_engine(url)
        tables = set(sa.inspect(engine).get_table_names())
        assert {"records", "counters", "server_meta"} <= tables
        with engine.connect() as conn:
            assert (
                conn.execute(sa.text("SELECT count(*) FROM records WHERE table_name = 'houses'")).scalar()
                >= 20
            )
        engine.dispose()

        unit = (root / "etc/systemd/system/dostyq-server.service").read_text()
        assert "EnvironmentFile=-/etc/dostyq/server.env" in unit
        assert f"{venv}/bin/dostyq-server serve --host 127.0.0.1 --port {app_port}" in unit
        assert (root / "etc/systemd/system/dostyq-backup.timer").is_file()
        site = (root / "etc/nginx/sites-available/dostyq").read_text()
        assert f"server_name {DOMAIN};" in site
        assert f"ssl_certificate     /etc/dostyq/tls/{DOMAIN}.crt;" in site
        assert f"ssl_certificate_key /etc/dostyq/tls/{DOMAIN}.key;" in site
        assert f"proxy_pass http://127.0.0.1:{app_port};" in site and "example" not in site
        assert (root / f"etc/dostyq/tls/{DOMAIN}.crt").is_file()
        assert "zone=dostyq_enrol" in (root / "etc/nginx/conf.d/dostyq-ratelimit.conf").read_text()
        assert os.readlink(root / "etc/nginx/sites-enabled/dostyq") == "../sites-available/dostyq"

        # A second run succeeds and changes nothing: same password, same files, same certificate.
        before = _tree(root)
        _run_setup(args)
        assert _tree(root) == before

        # Given paths of a real certificate go into the site as they are.
        _run_setup([*args, "--cert", "/etc/ssl/real/fullchain.pem", "--key", "/etc/ssl/real/privkey.pem"])
        site = (root / "etc/nginx/sites-available/dostyq").read_text()
        assert "ssl_certificate     /etc/ssl/real/fullchain.pem;" in site
        assert "ssl_certificate_key /etc/ssl/real/privkey.pem;" in site

        # The server starts as the unit starts it, with the env file, and answers on loopback.
        cmd, unit_env = _unit_command(unit)
        env = {k: v for k, v in os.environ.items() if not k.startswith("DOSTYQ_")}
        env.update(unit_env, DOSTYQ_DATABASE_URL=url, DOSTYQ_DATA_DIR=str(tmp_path / "data"))
        env["PYTHONPATH"] = os.getcwd()
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            deadline = time.monotonic() + 30
            body = None
            while time.monotonic() < deadline and proc.poll() is None:
                try:
                    body = requests.get(f"http://127.0.0.1:{app_port}/health", timeout=5).json()
                    break
                except requests.RequestException:
                    time.sleep(0.1)
            assert body == {"status": "ok", "protocol": 1, "database": "postgresql"}
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)"))
            conn.execute(sa.text(f"DROP ROLE IF EXISTS {db}"))
        admin.dispose()
