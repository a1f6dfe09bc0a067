"""The coordinator's roll-up client against a real server (SQLite and PostgreSQL): only the region's submitted
summaries, the houses that have not submitted, the sums, clear errors, and no personal data."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from desktop.reports.submission import submit_month
from desktop.reports.summary import build_summary
from desktop.store import Store
from sync import coordinator, errors
from tests.sync.conftest import HOUSE_A, HOUSE_B

MONTH = "2026-10"
HOUSE_A2 = "KZ-71-02"  # submits
HOUSE_A3 = "KZ-71-03"  # does not submit
SECRET_IIN = "900101300123"


def _submit(store: Store, held: int, minutes: int, women: int) -> None:
    """A real submission (build, store, queue) with known figures on top of the house's (empty) month."""
    summary = build_summary(store, MONTH, today=dt.date(2026, 11, 5))
    summary.current["events"]["held"] = held
    summary.current["events"]["attendance"]["women"] = women
    summary.current["volunteers"]["minutes"] = minutes
    submit_month(store, MONTH, summary=summary, today=dt.date(2026, 11, 5))


@pytest.fixture
def region(make_client, server):
    """Three houses of KZ-71 (two submit, one does not) and one of KZ-75 (submits), all through real sync."""
    server.store.add_house(HOUSE_A2, "Астана №2 Достық үйі", "Дом дружбы Астаны №2", "KZ-71")
    server.store.add_house(HOUSE_A3, "Астана №3 Достық үйі", "Дом дружбы Астаны №3", "KZ-71")
    a, ca = make_client(HOUSE_A)
    a2, ca2 = make_client(HOUSE_A2)
    b, cb = make_client(HOUSE_B)
    a.insert("people", {"surname": "Құпиясов", "name": "Дерек", "iin": SECRET_IIN, "phone": "+77011234567"})
    _submit(a, held=3, minutes=600, women=40)
    _submit(a2, held=5, minutes=120, women=12)
    _submit(a, held=4, minutes=660, women=41)  # a resubmission: version 2 replaces version 1 in the sum
    _submit(b, held=100, minutes=9999, women=999)
    for client in (ca, ca2, cb):
        client.sync()
    token, _ = server.store.add_coordinator("KZ-71", "Astana coordinator")
    # The coordinator's PC learns the region's houses through sync like every PC; here it is one that syncs as A2.
    ca2.sync()
    return token, a2


def test_fetch_returns_only_the_regions_submitted_reports(server, region):
    token, coordinator_pc = region
    rows = coordinator.fetch_region_reports(server.url, token, MONTH)
    assert sorted({r["house_id"] for r in rows}) == [HOUSE_A, HOUSE_A2]
    assert sorted((r["house_id"], r["version"]) for r in rows) == [(HOUSE_A, 1), (HOUSE_A, 2), (HOUSE_A2, 1)]
    assert all(isinstance(r["payload"], dict) and r["month"] == MONTH for r in rows)
    houses = coordinator.local_houses(coordinator_pc.conn)
    assert {HOUSE_A, HOUSE_A2, HOUSE_A3} <= {h.code for h in houses if h.region_code == "KZ-71"}
    result = coordinator.region_rollup(rows, MONTH, None, houses, coordinator.regions(coordinator_pc.conn))
    assert result.region_code == "KZ-71"
    assert result.missing == [HOUSE_A3]
    status = {h.house.code: h for h in result.houses}
    assert (status[HOUSE_A].version, status[HOUSE_A2].version, status[HOUSE_A3].version) == (2, 1, None)
    assert status[HOUSE_A3].house.name_ru == "Дом дружбы Астаны №3"
    current = result.result.summary.current
    assert current["events"]["held"] == 4 + 5  # A's newest version plus A2; B (another region) is not in it
    assert current["volunteers"]["minutes"] == 660 + 120
    assert current["events"]["attendance"]["women"] == 41 + 12
    assert result.result.summary.houses == [HOUSE_A, HOUSE_A2]
    assert result.result.summary.houses_missing == [HOUSE_A3]
    assert result.result.summary.org["name_ru"] == "город Астана"


def test_the_coordinator_sees_no_personal_data(server, region):
    token, _pc = region
    rows = coordinator.fetch_region_reports(server.url, token)  # every month
    text = json.dumps(rows, ensure_ascii=False)
    assert SECRET_IIN not in text and "Құпиясов" not in text and "7011234567" not in text
    assert {r["house_id"] for r in rows} == {HOUSE_A, HOUSE_A2}


def test_a_month_nobody_submitted_lists_every_house_as_missing(server, region):
    token, pc = region
    rows = coordinator.fetch_region_reports(server.url, token, "2026-09")
    assert rows == []
    result = coordinator.region_rollup(rows, "2026-09", "KZ-71", coordinator.local_houses(pc.conn))
    assert set(result.missing) >= {HOUSE_A, HOUSE_A2, HOUSE_A3}
    assert all(code.startswith("KZ-71-") for code in result.missing)
    assert result.result.summary.current["events"]["held"] == 0


def test_bad_tokens_get_clear_errors(server, region, make_client, lang):
    lang("ru")
    with pytest.raises(coordinator.CoordinatorTokenRefused) as err:
        coordinator.fetch_region_reports(server.url, "not-a-token", MONTH)
    assert "токен" in err.value.message
    with pytest.raises(coordinator.CoordinatorTokenMissing):
        coordinator.fetch_region_reports(server.url, "  ", MONTH)
    _store, house_pc = make_client(HOUSE_A)
    with pytest.raises(coordinator.NotACoordinatorToken):
        coordinator.fetch_region_reports(server.url, house_pc.state("token"), MONTH)


def test_revoked_coordinator_token(server, region):
    import sqlalchemy as sa

    from sync.server.store import devices

    token, _pc = region
    with server.store.engine.connect() as conn:
        token_id = conn.execute(sa.select(devices.c.id).where(devices.c.role == "coordinator")).scalar_one()
    assert server.store.revoke(token_id)
    with pytest.raises(coordinator.CoordinatorTokenRevoked):
        coordinator.fetch_region_reports(server.url, token, MONTH)


def test_unreachable_server_and_bad_address(tmp_path):
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(errors.ServerUnreachable):
        coordinator.fetch_region_reports(f"http://127.0.0.1:{port}", "token", MONTH)
    with pytest.raises(errors.BadServerUrl):
        coordinator.fetch_region_reports("sync.example", "token", MONTH)


def test_another_protocol_version_is_reported(server, region, monkeypatch):
    token, _pc = region
    monkeypatch.setattr("sync.protocol.PROTOCOL_VERSION", 99)
    with pytest.raises(errors.ProtocolMismatch) as err:
        coordinator.fetch_region_reports(server.url, token, MONTH)
    assert "99" in err.value.message


@pytest.mark.parametrize("fmt", ["xlsx", "pdf", "csv", "hxl"])
def test_the_fetched_rollup_exports_in_every_format(server, region, tmp_path, fmt):
    token, pc = region
    rows = coordinator.fetch_region_reports(server.url, token, MONTH)
    fetched = coordinator.region_rollup(
        rows, MONTH, None, coordinator.local_houses(pc.conn), coordinator.regions(pc.conn)
    )
    target = tmp_path / f"rollup.{fmt}"
    assert coordinator.export_in_worker(fetched, fmt, str(target), "both", ";") == str(target)
    data = target.read_bytes()
    assert data[:4] == {"xlsx": b"PK\x03\x04", "pdf": b"%PDF"}.get(fmt, data[:4]) and len(data) > 200
    if fmt in ("csv", "hxl"):
        text = data.decode("utf-8-sig")
        assert SECRET_IIN not in text and "Құпиясов" not in text
    if fmt == "csv":
        figures = {line.split(";")[4]: line.split(";")[5] for line in text.splitlines()[1:]}
        assert figures["events.events_held"] == "9"  # 4 + 5 this month; the other region's 100 is not in it
        assert figures["events.attendance_women"] == "53"


def test_a_house_only_the_server_knows_still_shows_as_not_submitted(server, region, tmp_path):
    token, _pc = region
    server.store.add_house("KZ-71-09", "Астана №9 Достық үйі", "Дом дружбы Астаны №9", "KZ-71")
    # A coordinator's PC that has never synced: its reference lists only the first house of each region.
    fresh = Store(tmp_path / "coordinator.sqlite")
    houses = coordinator.local_houses(fresh.conn)
    assert "KZ-71-09" not in {h.code for h in houses}
    result = coordinator.fetch_region_rollup(
        server.url, token, MONTH, None, houses, coordinator.regions(fresh.conn)
    )
    assert result.region_code == "KZ-71"
    assert result.missing == [HOUSE_A3, "KZ-71-09"]
    assert {h.house.code: h.house.name_ru for h in result.houses}["KZ-71-09"] == "Дом дружбы Астаны №9"
    fresh.close()
