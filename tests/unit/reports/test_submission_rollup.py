"""Submitting (versioned, with a diff, queued in the outbox), the month-end reminder, and the regional roll-up."""

import datetime as dt
import json

from desktop.reports.rollup import latest_versions, rollup
from desktop.reports.submission import months_awaiting_submission, report_versions, submit_month
from desktop.store import Store
from tests.unit.reports import fixture_month

TODAY = dt.date(2026, 11, 20)


def test_submit_then_resubmit_makes_a_new_version_with_changes(fixture_store):
    first = submit_month(fixture_store, "2026-10", today=TODAY)
    assert (first["version"], first["status"], first["unchanged"]) == (1, "submitted", False)
    assert json.loads(first["payload"])["current"]["aid"]["people"] == 4
    assert fixture_store.scalar("SELECT count(*) FROM outbox WHERE table_name = 'monthly_reports'") == 1

    again = submit_month(fixture_store, "2026-10", today=TODAY)
    assert again["unchanged"] and again["version"] == 1
    assert len(report_versions(fixture_store, "2026-10")) == 1

    # A late correction: one more held event in October.
    fixture_store.insert(
        "events",
        {"title_kk": "x", "kind": "concert", "status": "held", "starts_at": "2026-10-28T18:00:00+05:00"},
    )
    second = submit_month(fixture_store, "2026-10", today=TODAY)
    assert second["version"] == 2 and not second["unchanged"]
    changes = json.loads(second["changes"])
    assert changes["since_version"] == 1
    assert changes["figures"]["events.held"] == [3, 4]
    assert changes["figures"]["events.by_kind.concert"] == [1, 2]
    assert "aid.people" not in changes["figures"]
    assert [r["version"] for r in report_versions(fixture_store, "2026-10")] == [2, 1]
    assert fixture_store.scalar("SELECT count(*) FROM outbox WHERE table_name = 'monthly_reports'") == 2


def test_months_awaiting_submission(fixture_store, tmp_path):
    # activity starts in October 2025 (the year-ago event); the reminder looks back a year at most
    awaiting = months_awaiting_submission(fixture_store, TODAY)
    assert awaiting == [f"2025-{m}" for m in ("11", "12")] + [f"2026-{m:02d}" for m in range(1, 11)]
    submit_month(fixture_store, "2026-10", today=TODAY)
    assert "2026-10" not in months_awaiting_submission(fixture_store, TODAY)
    assert months_awaiting_submission(fixture_store, dt.date(2026, 10, 31))[-1] == "2026-09"
    empty = Store(tmp_path / "empty.db")
    assert months_awaiting_submission(empty, TODAY) == []  # a new, empty database reminds of nothing
    empty.close()


def test_the_reminder_is_for_those_who_open_the_reports(fixture_store, lang):
    from desktop import roles
    from desktop.reports.submission import submission_reminder

    lang("ru")
    fixture_store.actor = roles.actor_for("acc-staff", "Staff", roles.STAFF)
    assert "ещё не отправлен" in (submission_reminder(fixture_store, TODAY) or "")
    fixture_store.actor = roles.actor_for("acc-volunteer", "Volunteer", roles.VOLUNTEER)
    assert submission_reminder(fixture_store, TODAY) is None


def test_rollup_sums_houses_and_names_the_missing(tmp_path):
    payloads = []
    for house in ("KZ-55-01", "KZ-55-02"):
        s = Store(tmp_path / f"{house}.db")
        fixture_month.build(s)
        s.set_house(house)
        submit_month(s, "2026-10", today=TODAY)
        payloads.extend(s.rows("SELECT * FROM monthly_reports"))
        if house == "KZ-55-02":  # a second version: only the newest counts
            s.insert(
                "events", {"kind": "concert", "status": "held", "starts_at": "2026-10-28T18:00:00+05:00"}
            )
            submit_month(s, "2026-10", today=TODAY)
            payloads.extend(s.rows("SELECT * FROM monthly_reports WHERE version = 2"))
        s.close()
    region = {
        "code": "KZ-55",
        "name_kk": "Павлодар облысы",
        "name_ru": "Павлодарская область",
        "region_code": "KZ-55",
    }
    result = rollup(
        latest_versions(payloads), "2026-10", expected_houses=["KZ-55-01", "KZ-55-02", "KZ-55-03"], org=region
    )
    assert result.submitted == ["KZ-55-01", "KZ-55-02"]
    assert result.missing == ["KZ-55-03"]
    cur = result.summary.current
    assert cur["events"]["held"] == 3 + 4
    assert cur["events"]["by_kind"]["concert"] == 1 + 2
    assert cur["events"]["attendance"] == {
        "total": 306,
        "women": 184,
        "men": 122,
        "children": 62,
        "elderly": 42,
    }
    assert cur["aid"]["people"] == 8 and cur["aid"]["by_programme"]["qamqor"]["quantity"] == 16
    assert cur["aid"]["by_category"]["low_income"]["anonymous"] == 2
    assert cur["volunteers"]["minutes"] == 450
    assert cur["donations"]["value_kzt"] == 300000
    assert cur["stock"]["item-flour"] == 204
    assert result.summary.previous["events"]["held"] == 2
    assert result.summary.series[-1]["events_held"] == 7 and len(result.summary.series) == 12
    assert result.summary.org["name_kk"] == "Павлодар облысы"
    assert result.summary.names["programmes"]["qamqor"][0] == "Қамқор"


def test_rollup_renders_like_a_house_summary(october, tmp_path):
    from desktop.reports.export import export_report

    result = rollup([october.to_payload()], "2026-10", expected_houses=["KZ-55-01"])
    assert result.missing == []
    assert result.summary.current == october.current
    for fmt in ("xlsx", "pdf", "csv", "hxl"):
        export_report(result.summary, fmt, tmp_path / f"region.{fmt}", "both")


def test_rollup_of_nothing_is_zeros():
    result = rollup([], "2026-10", expected_houses=["KZ-55-01"])
    assert result.summary.current["aid"]["people"] == 0 and result.missing == ["KZ-55-01"]


def test_rollup_exports_name_the_houses_that_did_not_submit(october, tmp_path):
    import subprocess

    import openpyxl

    from desktop.reports.export import export_report

    result = rollup(
        [october.to_payload()],
        "2026-10",
        expected_houses=["KZ-55-01", "KZ-55-02"],
        org={
            "code": "KZ-55",
            "name_kk": "Павлодар облысы",
            "name_ru": "Павлодарская область",
            "region_code": "KZ-55",
        },
    )
    assert result.summary.houses_missing == ["KZ-55-02"]
    wb = openpyxl.load_workbook(export_report(result.summary, "xlsx", tmp_path / "region.xlsx", "kk"))
    assert "KZ-55-02" in wb.worksheets[0]["A5"].value and "1" in wb.worksheets[0]["A5"].value
    pdf = export_report(result.summary, "pdf", tmp_path / "region.pdf", "ru")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "KZ-55-02" in text and "Павлодарская область" in text


def test_export_rollup_from_report_rows(fixture_store, tmp_path):
    import openpyxl

    from desktop.reports.export import export_rollup

    submit_month(fixture_store, "2026-10", today=TODAY)
    submit_month(fixture_store, "2026-09", today=TODAY)
    rows = fixture_store.rows("SELECT * FROM monthly_reports")
    result = export_rollup(
        rows, "2026-10", "xlsx", tmp_path / "r.xlsx", lang="ru", expected_houses=["KZ-55-01", "KZ-55-04"]
    )
    assert result.submitted == ["KZ-55-01"] and result.missing == ["KZ-55-04"]
    assert result.summary.current["events"]["held"] == 3
    assert len(openpyxl.load_workbook(tmp_path / "r.xlsx").worksheets) >= 5


def test_a_summary_the_server_would_refuse_is_not_queued(fixture_store, lang):
    import pytest

    from desktop.reports.submission import ReportNotSubmittable, submit_month
    from desktop.reports.summary import build_summary

    summary = build_summary(fixture_store, "2026-10", today=dt.date(2026, 11, 20))
    first = min(summary.names["items"])
    summary.names["items"][first] = ["Ұн, тел. 8 701 123 45 67", "Мука", "кг", "кг"]
    pending = fixture_store.pending_count()
    lang("kk")
    with pytest.raises(ReportNotSubmittable) as refused:
        submit_month(fixture_store, "2026-10", summary=summary, today=dt.date(2026, 11, 20))
    assert "ЖСН" in refused.value.message
    assert fixture_store.pending_count() == pending
    assert fixture_store.scalar("SELECT count(*) FROM monthly_reports") == 0
