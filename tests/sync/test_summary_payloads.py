"""Regional reports trust only what the summary schema allows (SQLite and PostgreSQL): a submitted payload with
personal data, free text, another house's figures or a month it cannot submit is refused with a reason and stored
nowhere, the request's other ops still apply, and a malformed payload already in the database never breaks the
roll-up (GET /v1/reports and /v1/reports/rollup answer, the house shows as not submitted)."""

from __future__ import annotations

import copy
import datetime as dt
import json

import pytest
import requests
import sqlalchemy as sa

from desktop.ids import new_id
from desktop.reports.summary import build_summary
from sync import coordinator
from sync.server.schema import records
from tests.sync.conftest import HOUSE_A, HOUSE_B

MONTH = "2026-10"
HOUSE_A2 = "KZ-71-02"
IIN = "900101300123"
VALID_IIN = "900101330128"  # passes the check digit: a real person's number could look like this


def _good_payload(store) -> dict:
    summary = build_summary(store, MONTH, today=dt.date(2026, 11, 5))
    summary.current["events"]["held"] = 7
    return summary.to_payload()


def _op(store, payload, month: str = MONTH, **extra) -> dict:
    fields = {
        "month": month,
        "version": 1,
        "status": "submitted",
        "payload": payload if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False),
        "changes": None,
        "submitted_at": "2026-11-05T10:00:00+05:00",
        **extra,
    }
    return {
        "op_id": new_id(),
        "table": "monthly_reports",
        "row_id": new_id(),
        "kind": "insert",
        "fields": fields,
        "hlc": store.clock.now(),
        "created_at": "",
    }


def _mutate(payload: dict, change) -> dict:
    out = copy.deepcopy(payload)
    change(out)
    return out


BAD = {
    "iin_in_name": lambda p: p["org"].update(name_ru=f"Дом дружбы {IIN}"),
    "spaced_iin": lambda p: p["org"].update(name_kk="900101 300123"),
    "phone_in_label": lambda p: (
        p["names"].setdefault("items", {}).update({"item-x": ["Ұн", "Мука, звонить +7 (701) 123-45-67"]})
    ),
    "iin_as_code": lambda p: p["current"]["stock"].update({VALID_IIN: 1}),
    "iin_in_item_id": lambda p: p["current"]["aid"]["items"].update({f"item-{VALID_IIN}": 1}),
    "free_text_key": lambda p: p.update(note="Ivanov Ivan came twice"),
    "free_text_figure": lambda p: p["current"]["events"].update(held="3: Иванов, Петров"),
    "unknown_figure": lambda p: p["current"]["events"].update(guests=["Иванов"]),
    "other_house_list": lambda p: p.update(houses=[HOUSE_A2]),
    "other_house_org": lambda p: p["org"].update(code=HOUSE_A2),
    "iin_as_figure": lambda p: p["current"]["donations"].update(value_kzt=int(VALID_IIN)),
    "huge_number": lambda p: p["current"]["events"].update(held=10**30),
    "bool_figure": lambda p: p["current"]["events"].update(held=True),
    "payload_month_differs": lambda p: p.update(month="2026-09"),
    "label_too_long": lambda p: p["org"].update(name_ru="д" * 5000),
}


def _server_reports(server) -> list[dict]:
    with server.store.engine.connect() as conn:
        return [
            json.loads(r.data)
            for r in conn.execute(sa.select(records.c.data).where(records.c.table_name == "monthly_reports"))
        ]


def test_bad_payloads_are_refused_with_a_reason_and_stored_nowhere(make_client, server):
    a, ca = make_client(HOUSE_A)
    good = _good_payload(a)
    ops = [_op(a, _mutate(good, change)) for change in BAD.values()]
    ops.append(_op(a, good, month="2026-13"))  # not a month
    ops.append(_op(a, _mutate(good, lambda p: p.update(month="2099-01")), month="2099-01"))  # the future
    ops.append(_op(a, "{not json"))
    ops.append(_op(a, "[1, 2, 3]"))
    ops.append(_op(a, good, status="published"))
    ok = _op(a, good)
    ops.append(ok)
    answer = ca.transport.post("/v1/sync", dict(ca.build_request(), ops=ops))
    acks = answer["acks"]
    refused = {op["op_id"]: acks[op["op_id"]] for op in ops if op is not ok}
    assert all(result.startswith("rejected:summary.") for result in refused.values()), refused
    assert acks[ok["op_id"]] == "applied"  # the bad ones never block the good one
    stored = _server_reports(server)
    assert len(stored) == 1 and json.loads(stored[0]["payload"])["current"]["events"]["held"] == 7
    text = json.dumps(stored, ensure_ascii=False)
    assert IIN not in text and VALID_IIN not in text and "7011234567" not in text and "Ivanov" not in text


def test_an_update_cannot_smuggle_what_an_insert_may_not(make_client, server):
    a, ca = make_client(HOUSE_A)
    good = _good_payload(a)
    insert = _op(a, good)
    assert ca.transport.post("/v1/sync", dict(ca.build_request(), ops=[insert]))["acks"] == {
        insert["op_id"]: "applied"
    }
    bad = _mutate(good, lambda p: p["org"].update(name_ru=f"ИИН {IIN}"))
    update = {
        "op_id": new_id(),
        "table": "monthly_reports",
        "row_id": insert["row_id"],
        "kind": "update",
        "fields": {"payload": json.dumps(bad, ensure_ascii=False)},
        "hlc": a.clock.now(),
        "created_at": "",
    }
    month_only = dict(update, op_id=new_id(), fields={"month": "2099-12"}, hlc=a.clock.now())
    acks = ca.transport.post("/v1/sync", dict(ca.build_request(), ops=[update, month_only]))["acks"]
    assert acks[update["op_id"]] == "rejected:summary.personal"
    assert acks[month_only["op_id"]].startswith("rejected:summary.")
    (stored,) = _server_reports(server)
    assert stored["month"] == MONTH and IIN not in stored["payload"]


def test_a_real_submission_still_passes(make_client, server):
    from desktop.reports.submission import submit_month

    a, ca = make_client(HOUSE_A)
    submit_month(a, MONTH, today=dt.date(2026, 11, 5))
    result = ca.sync()
    assert result.rejected == []
    assert len(_server_reports(server)) == 1


def _store_raw(server, house: str, data) -> None:
    """A monthly_reports row written straight into the server's database (an older server, a hand edit)."""
    with server.store.engine.begin() as conn:
        conn.execute(
            records.insert().values(
                table_name="monthly_reports",
                id=new_id(),
                house_id=house,
                server_seq=0,
                deleted=0,
                hlc="",
                data=data if isinstance(data, str) else json.dumps(data, ensure_ascii=False),
                field_hlc="{}",
                field_seq="{}",
                created_at="2026-11-05T10:00:00",
                updated_at="2026-11-05T10:00:00",
                updated_by="x",
            )
        )


@pytest.mark.parametrize(
    "data",
    [
        "{not json",
        {"month": MONTH, "status": "submitted", "version": 1, "payload": "[1]"},
        {"month": MONTH, "status": "submitted", "version": 1, "payload": {"month": MONTH, "current": "x"}},
        {"month": MONTH, "status": "submitted", "version": "one", "payload": {"month": MONTH}},
        {"month": MONTH, "status": "submitted", "version": 1, "payload": {"month": MONTH, "org": [1]}},
        {
            "month": MONTH,
            "status": "submitted",
            "version": 1,
            "payload": {"month": MONTH, "current": {"events": {"held": "many"}}},
        },
        {"month": MONTH, "status": "submitted", "version": 1, "payload": {"month": "2026-09"}},
        {
            "month": MONTH,
            "status": "submitted",
            "version": 1,
            "payload": {"month": MONTH, "houses": [HOUSE_B]},
        },
    ],
    ids=["not_json", "list", "text_figures", "bad_version", "org_list", "text_leaf", "other_month", "claims"],
)
def test_a_malformed_stored_payload_never_breaks_the_rollup(make_client, server, data):
    from desktop.reports.submission import submit_month

    server.store.add_house(HOUSE_A2, "Астана №2 Достық үйі", "Дом дружбы Астаны №2", "KZ-71")
    a, ca = make_client(HOUSE_A)
    submit_month(a, MONTH, today=dt.date(2026, 11, 5))
    ca.sync()
    _store_raw(server, HOUSE_A2, data)
    token, _ = server.store.add_coordinator("KZ-71")
    fetched = coordinator.fetch_region_rollup(server.url, token, MONTH, None, [])
    assert fetched.missing == [HOUSE_A2]  # the bad payload is not counted, its house is not submitted
    assert fetched.result.summary.houses == [HOUSE_A]
    for fmt in ("xlsx", "csv", "hxl", "pdf"):
        r = requests.get(
            server.url + "/v1/reports/rollup",
            params={"month": MONTH, "format": fmt},
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        )
        assert r.status_code == 200, (fmt, r.text[:300])
        assert r.headers["X-Dostyq-Houses-Missing"] == HOUSE_A2
        assert r.headers["X-Dostyq-Houses-Invalid"] == HOUSE_A2
    r = requests.get(server.url + "/v1/reports", headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert r.status_code == 200 and r.json()["invalid"] == [HOUSE_A2]
    assert [row["house_id"] for row in r.json()["reports"]] == [HOUSE_A]


def test_the_rollup_counts_a_payload_for_the_house_that_sent_it(make_client, server):
    """A payload stored under house A2 that names house B is A2's figures; B stays not submitted."""
    server.store.add_house(HOUSE_A2, "Астана №2 Достық үйі", "Дом дружбы Астаны №2", "KZ-71")
    server.store.add_house("KZ-71-03", "Астана №3 Достық үйі", "Дом дружбы Астаны №3", "KZ-71")
    a, _ca = make_client(HOUSE_A)
    payload = _good_payload(a)
    payload.update(houses=["KZ-71-03"], org=dict(payload["org"], code="KZ-71-03"))
    _store_raw(server, HOUSE_A2, {"month": MONTH, "status": "submitted", "version": 1, "payload": payload})
    token, _ = server.store.add_coordinator("KZ-71")
    fetched = coordinator.fetch_region_rollup(server.url, token, MONTH, None, [])
    assert "KZ-71-03" in fetched.missing
    assert "KZ-71-03" not in fetched.result.summary.houses


def test_a_bad_month_query_is_refused(make_client, server):
    token, _ = server.store.add_coordinator("KZ-71")
    r = requests.get(
        server.url + "/v1/reports",
        params={"month": "2026-1' OR 1=1"},
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    assert r.status_code == 400 and r.json()["error"] == "malformed"


def test_the_servers_rollup_files_carry_no_formulas(make_client, server, tmp_path):
    """A label is text the schema allows; in the coordinator's roll-up file it stays text."""
    import csv
    import io

    import openpyxl

    a, ca = make_client(HOUSE_A)
    payload = _good_payload(a)
    payload["names"]["kinds"] = {"concert": ['=HYPERLINK("http://x","y")', "@SUM(A1)"]}
    payload["current"]["events"]["by_kind"] = {"concert": 2}
    ok = _op(a, payload)
    assert ca.transport.post("/v1/sync", dict(ca.build_request(), ops=[ok]))["acks"][ok["op_id"]] == "applied"
    token, _ = server.store.add_coordinator("KZ-71")
    for fmt in ("xlsx", "csv"):
        r = requests.get(
            server.url + "/v1/reports/rollup",
            params={"month": MONTH, "format": fmt, "lang": "kk" if fmt == "xlsx" else "ru"},
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        )
        assert r.status_code == 200
        if fmt == "xlsx":
            (tmp_path / "r.xlsx").write_bytes(r.content)
            cells = [
                c for ws in openpyxl.load_workbook(tmp_path / "r.xlsx") for row in ws.iter_rows() for c in row
            ]
            assert all(c.data_type != "f" for c in cells)
            assert '=HYPERLINK("http://x","y")' in [c.value for c in cells]
        else:
            rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig")), delimiter=";"))  # Excel kk/ru
            cells = [c for row in rows for c in row]
            assert "'@SUM(A1)" in cells and not any(c.startswith(("=", "@", "+")) for c in cells)


def test_fuzzed_summaries_never_get_a_5xx_and_a_refusal_stores_nothing(make_client, server):
    """Mutated payloads posted as monthly_reports ops over real HTTP: every answer is 200 with a per-op ack; an
    accepted op stores its row, a refused one stores nothing; the roll-up answers after every round."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from tests.unit.reports.test_payload_fuzz import _mutated

    a, ca = make_client(HOUSE_A)
    token, _ = server.store.add_coordinator("KZ-71")
    base = _good_payload(a)

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)
    @given(data=st.data())
    def run(data):
        text = _mutated(data, dict(base, houses=[HOUSE_A], org=dict(base["org"], code=HOUSE_A)))
        op = _op(a, text)
        before = len(_server_reports(server))
        answer = ca.transport.post("/v1/sync", dict(ca.build_request(), ops=[op]))
        result = answer["acks"][op["op_id"]]
        assert result == "applied" or result.startswith("rejected:summary."), result
        assert len(_server_reports(server)) == before + (result == "applied")
        r = requests.get(
            server.url + "/v1/reports",
            params={"month": MONTH},
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        )
        assert r.status_code == 200

    run()
    fetched = coordinator.fetch_region_rollup(server.url, token, MONTH, None, [])
    assert fetched.result is not None


def test_the_cli_rollup_names_the_house_left_out(make_client, server, tmp_path, monkeypatch, capsys):
    from sync.server import cli

    server.store.add_house(HOUSE_A2, "Астана №2 Достық үйі", "Дом дружбы Астаны №2", "KZ-71")
    _store_raw(server, HOUSE_A2, {"month": MONTH, "status": "submitted", "version": 1, "payload": "[1]"})
    monkeypatch.setenv(
        "DOSTYQ_DATABASE_URL",
        server.store.url
        if server.store.is_sqlite
        else server.store.engine.url.render_as_string(hide_password=False),
    )
    out = tmp_path / "rollup.xlsx"
    assert cli.main(["report", "--region", "KZ-71", "--month", MONTH, "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert f"left out, not a valid summary: {HOUSE_A2}" in printed and out.stat().st_size > 0
