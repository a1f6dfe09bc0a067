"""The national coordinator against a real server (uvicorn; SQLite and PostgreSQL): a national token reads every
region's submitted summaries and nothing else, a regional token still only its region, a house PC's token
neither; bad queries are refused by the schema (400, never 500); the CLI makes the token and prints the roll-up by
region and house; the app's client fetches and sums it and exports it with the region level."""

from __future__ import annotations

import datetime as dt
import json

import openpyxl
import pytest
import requests

from desktop.reports.submission import submit_month
from desktop.reports.summary import build_summary
from desktop.store import Store
from sync import coordinator, protocol
from sync.server import cli
from tests.sync.conftest import HOUSE_A, HOUSE_B

MONTH = "2026-10"
HOUSE_A2 = "KZ-71-02"  # submits
HOUSE_A3 = "KZ-71-03"  # does not submit
SECRET_IIN = "900101300123"


def _submit(store: Store, held: int, women: int) -> None:
    summary = build_summary(store, MONTH, today=dt.date(2026, 11, 5))
    summary.current["events"]["held"] = held
    summary.current["events"]["attendance"]["women"] = women
    submit_month(store, MONTH, summary=summary, today=dt.date(2026, 11, 5))


@pytest.fixture
def country(make_client, server):
    """Three houses of KZ-71 (two submit) and one of KZ-75 (submits), through real sync; the three kinds of token."""
    server.store.add_house(HOUSE_A2, "Астана №2 Достық үйі", "Дом дружбы Астаны №2", "KZ-71")
    server.store.add_house(HOUSE_A3, "Астана №3 Достық үйі", "Дом дружбы Астаны №3", "KZ-71")
    a, ca = make_client(HOUSE_A)
    a2, ca2 = make_client(HOUSE_A2)
    b, cb = make_client(HOUSE_B)
    a.insert("people", {"surname": "Құпиясов", "name": "Дерек", "iin": SECRET_IIN, "phone": "+77011234567"})
    _submit(a, held=3, women=40)
    _submit(a2, held=5, women=12)
    _submit(a, held=4, women=41)  # version 2 replaces version 1
    _submit(b, held=100, women=999)
    for client in (ca, ca2, cb):
        client.sync()
    ca2.sync()  # the coordinator's PC (here A2's) learns every house through sync
    national, _ = server.store.add_national_coordinator("Ministry")
    regional, _ = server.store.add_coordinator("KZ-71", "Astana coordinator")
    return {"national": national, "regional": regional, "device": ca.state("token"), "pc": a2, "client": ca}


def _get(server, path: str, token: str | None, **params) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.get(server.url + path, headers=headers, params=params, timeout=30)


def _held(rows: list[dict]) -> dict[str, int]:
    newest: dict[str, dict] = {}
    for row in rows:
        if row["house_id"] not in newest or row["version"] > newest[row["house_id"]]["version"]:
            newest[row["house_id"]] = row
    return {h: json.loads(r["payload"])["current"]["events"]["held"] for h, r in newest.items()}


def test_a_national_token_reads_every_region_and_no_personal_data(server, country):
    resp = _get(server, "/v1/reports/national", country["national"], month=MONTH)
    assert resp.status_code == 200, resp.text
    answer = resp.json()
    assert answer["scope"] == "national" and answer["v"] == protocol.PROTOCOL_VERSION
    assert _held(answer["reports"]) == {HOUSE_A: 4, HOUSE_A2: 5, HOUSE_B: 100}
    houses = {h["code"]: h["region_code"] for h in answer["houses"]}
    assert houses[HOUSE_A3] == "KZ-71" and houses[HOUSE_B] == "KZ-75"
    assert {"KZ-71", "KZ-75"} <= {r["code"] for r in answer["regions"]}
    assert SECRET_IIN not in resp.text and "Құпиясов" not in resp.text and "+7701" not in resp.text
    every_month = _get(server, "/v1/reports/national", country["national"]).json()
    assert len(every_month["reports"]) == 4  # both versions of A, A2, B


def test_a_regional_token_still_reads_only_its_region(server, country):
    assert _get(server, "/v1/reports/national", country["regional"], month=MONTH).status_code == 403
    assert _get(server, "/v1/reports/national/rollup", country["regional"], month=MONTH).status_code == 403
    answer = _get(server, "/v1/reports", country["regional"], month=MONTH).json()
    assert _held(answer["reports"]) == {HOUSE_A: 4, HOUSE_A2: 5}


def test_a_device_token_gets_neither_and_a_national_token_cannot_sync(server, country):
    for path in ("/v1/reports/national", "/v1/reports/national/rollup", "/v1/reports"):
        resp = _get(server, path, country["device"], month=MONTH)
        assert (resp.status_code, resp.json()["error"]) == (403, "forbidden"), path
    assert _get(server, "/v1/reports/national", None, month=MONTH).status_code == 401
    assert _get(server, "/v1/reports/national", "not-a-token", month=MONTH).status_code == 401
    # The national token reads aggregates only: no region's roll-up file, no sync, no keys.
    assert _get(server, "/v1/reports", country["national"], month=MONTH).status_code == 403
    assert _get(server, "/v1/reports/rollup", country["national"], month=MONTH).status_code == 403
    body = protocol.encode(country["client"].build_request())
    sync = requests.post(
        server.url + "/v1/sync",
        data=body,
        headers={"Authorization": f"Bearer {country['national']}", "Content-Encoding": "gzip"},
        timeout=30,
    )
    assert sync.status_code == 403


def test_a_revoked_national_token_is_refused(server, country):
    token_id = next(d["id"] for d in server.store.list_devices() if d["role"] == "national")
    assert server.store.revoke(token_id)
    resp = _get(server, "/v1/reports/national", country["national"], month=MONTH)
    assert (resp.status_code, resp.json()["error"]) == (403, "revoked")


@pytest.mark.parametrize(
    "path, params",
    [
        ("/v1/reports/national", {"month": "2026-13"}),
        ("/v1/reports/national", {"month": "abc"}),
        ("/v1/reports/national", {"month": "0000-01"}),
        ("/v1/reports/national", {"month": "٢٠٢٦-10"}),
        ("/v1/reports/national", {"month": MONTH, "region": "KZ-71"}),
        ("/v1/reports/national", {"month": [MONTH, "2026-09"]}),
        ("/v1/reports/national/rollup", {}),
        ("/v1/reports/national/rollup", {"month": MONTH, "format": "docx"}),
        ("/v1/reports/national/rollup", {"month": MONTH, "lang": "en"}),
        ("/v1/reports/national/rollup", {"month": "9999-12"}),
        ("/v1/reports/national/rollup", {"month": "2026-10\x00"}),
    ],
)
def test_bad_queries_are_refused_by_the_schema(server, country, path, params):
    resp = _get(server, path, country["national"], **params)
    assert resp.status_code == 400, resp.text
    assert resp.json()["error"] == "malformed" and resp.json()["detail"]


@pytest.mark.parametrize("fmt", ["xlsx", "pdf", "csv", "hxl"])
def test_the_national_file_from_the_server(server, country, tmp_path, fmt):
    resp = _get(
        server, "/v1/reports/national/rollup", country["national"], month=MONTH, format=fmt, lang="ru"
    )
    assert resp.status_code == 200, resp.text
    missing = resp.headers["X-Dostyq-Houses-Missing"].split(",")
    assert HOUSE_A3 in missing and not {HOUSE_A, HOUSE_A2, HOUSE_B} & set(missing)
    assert set(missing) == {h["code"] for h in server.store.house_rows()} - {HOUSE_A, HOUSE_A2, HOUSE_B}
    assert f'filename="KZ_{MONTH}_ru' in resp.headers["Content-Disposition"]
    if fmt == "xlsx":
        path = tmp_path / "n.xlsx"
        path.write_bytes(resp.content)
        sheet = openpyxl.load_workbook(path)["По регионам и домам"]
        rows = {r[1]: r for r in sheet.iter_rows(values_only=True) if r[1]}
        assert (rows["KZ-71"][4], rows["KZ-75"][4], rows["KZ"][4]) == (9, 100, 109)
        assert rows["KZ-71"][3] == "2 из 3" and rows[HOUSE_A3][3] == "Ещё не отправлен"
    elif fmt == "pdf":
        assert resp.content.startswith(b"%PDF")
    else:
        text = resp.content.decode("utf-8-sig")
        assert "KZ-75" in text and SECRET_IIN not in text
        if fmt == "hxl":
            assert "#adm1+code" in text and "#org+code" in text and "#meta+level" in text


def test_the_app_fetches_the_national_rollup_by_region_and_house(server, country, tmp_path):
    pc = country["pc"]
    fetched = coordinator.fetch_any_rollup(
        server.url,
        country["national"],
        MONTH,
        None,
        coordinator.local_houses(pc.conn),
        coordinator.regions(pc.conn),
    )
    assert isinstance(fetched, coordinator.NationalFetch)
    lines = {line.code: line for line in fetched.result.lines}
    # Every region with a registered house (the server's reference has one in each), then the country.
    regions = sorted({h["region_code"] for h in server.store.house_rows()})
    assert [line.code for line in fetched.result.lines if line.level != "house"] == [*regions, "KZ"]
    assert [line.code for line in fetched.result.houses_of("KZ-71")] == [HOUSE_A, HOUSE_A2, HOUSE_A3]
    assert lines["KZ-71"].summary.current["events"]["held"] == 9
    assert lines["KZ-75"].summary.current["events"]["held"] == 100
    assert lines["KZ"].summary.current["events"]["held"] == 109
    assert lines["KZ"].summary.current["events"]["attendance"]["women"] == 41 + 12 + 999
    assert HOUSE_A3 in fetched.missing and HOUSE_A not in fetched.missing
    for fmt in ("xlsx", "pdf", "csv", "hxl"):
        target = tmp_path / f"n.{fmt}"
        assert coordinator.export_national_in_worker(fetched, fmt, str(target), "both", ";") == str(target)
        assert target.stat().st_size > 0
    # A regional token asked as national first (the PC's last scope) falls back to its region.
    regional = coordinator.fetch_any_rollup(
        server.url, country["regional"], MONTH, None, coordinator.local_houses(pc.conn), national_first=True
    )
    assert isinstance(regional, coordinator.RegionRollup) and regional.region_code == "KZ-71"
    with pytest.raises(coordinator.NotACoordinatorToken):
        coordinator.fetch_any_rollup(server.url, country["device"], MONTH, None, [])


def test_cli_makes_a_national_token_and_prints_the_rollup(
    server, country, tmp_path, capsys, monkeypatch, lang
):
    # `lang`: the interface language the CLI sets from DOSTYQ_LANG is set back to English afterwards.
    monkeypatch.setenv("DOSTYQ_DATABASE_URL", server.store.url)
    monkeypatch.setenv("DOSTYQ_LANG", "ru")
    assert cli.main(["coordinator", "add", "--national", "--label", "Ministry"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert "национального координатора" in out[0] and len(out[1]) > 30
    assert server.store.authenticate(out[1]).role == "national"
    with pytest.raises(SystemExit):
        cli.main(["coordinator", "add", "--national", "KZ-71"])  # a national token has no region
    with pytest.raises(SystemExit):
        cli.main(["coordinator", "add"])  # a region or --national
    with pytest.raises(SystemExit):
        cli.main(["report", "--national", "--region", "KZ-71", "--month", MONTH])
    capsys.readouterr()

    target = tmp_path / "national.xlsx"
    assert cli.main(["report", "--national", "--month", MONTH, "--lang", "ru", "--out", str(target)]) == 0
    printed = capsys.readouterr().out.splitlines()
    table = [line.split("\t") for line in printed[1:-1]]
    assert printed[0].split("\t")[:4] == ["Код", "Регион или дом", "Отчёты", "Проведено мероприятий"]
    codes = [row[0] for row in table]
    start = codes.index("KZ-71")
    assert codes[start : start + 4] == ["KZ-71", f"  {HOUSE_A}", f"  {HOUSE_A2}", f"  {HOUSE_A3}"]
    start = codes.index("KZ-75")
    assert codes[start : start + 2] == ["KZ-75", f"  {HOUSE_B}"] and codes[-1] == "KZ"
    assert all(c.startswith(("  KZ-", "KZ")) for c in codes)
    by_code = {row[0].strip(): row for row in table}
    assert (by_code["KZ-71"][3], by_code["KZ-75"][3], by_code["KZ"][3]) == ("9", "100", "109")
    assert by_code["KZ-71"][2] == "2 из 3" and by_code[HOUSE_A3][3] == ""
    expected = len(server.store.house_rows())
    assert by_code["KZ"][2] == f"3 из {expected}" and f"3 из {expected}" in printed[-1]
    assert HOUSE_A3 in printed[-1] and target.stat().st_size > 0
    assert SECRET_IIN not in "\n".join(printed)

    assert cli.main(["report", "--national", "--month", "2026-13"]) == 2
    assert "--month" in capsys.readouterr().err


def test_report_national_defaults_to_the_last_full_month(
    server, country, tmp_path, capsys, monkeypatch, clock
):
    monkeypatch.setenv("DOSTYQ_DATABASE_URL", server.store.url)
    monkeypatch.chdir(tmp_path)
    assert cli.main(["report", "--national", "--format", "csv", "--lang", "kk"]) == 0  # 20 November 2026
    printed = capsys.readouterr().out.splitlines()
    assert printed[-1].startswith(f"KZ_{MONTH}_kk.csv:")
    assert (tmp_path / f"KZ_{MONTH}_kk.csv").exists()
    assert printed[-2].split("\t")[:4] == [
        "KZ",
        "Қазақстан, барлығы",
        f"{len(server.store.house_rows())} ішінен 3",
        "109",
    ]
