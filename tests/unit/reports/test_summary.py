"""Every figure of the summary against the hand-built October 2026 (tests/unit/reports/fixture_month.py)."""

import datetime as dt
import json

from desktop.periods import last_full_month, month_instants, shift_month
from desktop.reports.summary import MonthlySummary, build_summary


def test_month_arithmetic_and_almaty_boundaries():
    assert shift_month("2026-01", -1) == "2025-12"
    assert shift_month("2026-10", -12) == "2025-10"
    assert shift_month("2026-12", 1) == "2027-01"
    assert last_full_month(dt.date(2026, 11, 25)) == "2026-10"
    assert month_instants("2026-10") == ("2026-09-30 19:00:00", "2026-10-31 19:00:00")


def test_events(october):
    ev = october.current["events"]
    assert (
        ev["held"] == 3
    )  # E1, E2 (23:30 on the 31st), E6; not E3 (00:30 on 1 Nov), E4 cancelled, E7 deleted
    assert ev["by_kind"] == {"concert": 1, "holiday": 1, "meeting": 1}
    assert ev["cancelled"] == 1
    # headcounts of E1 and E2 plus the named list of E6 (two women, one man, one child, one elderly)
    assert ev["attendance"] == {"total": 153, "women": 92, "men": 61, "children": 31, "elderly": 21}
    assert ev["performances"] == 3
    assert ev["groups_performing"] == 2
    assert ev["associations_involved"] == 1


def test_volunteers(october):
    vol = october.current["volunteers"]
    # V1: 120 + 60 (the event time is not counted twice); V2: 90 − 90 reversed + 45 on E1; V4 only on a cancelled event
    assert vol["minutes"] == 225
    assert vol["active"] == 2
    assert vol["new"] == 2


def test_aid(october):
    aid = october.current["aid"]
    assert aid["entries"] == 5  # AG5 was reversed in full (in November); AG6 only in part
    assert aid["people"] == 4  # R1 twice is one person; the anonymous R3 counts once
    assert aid["households"] == 2
    assert aid["anonymous"] == 1
    assert aid["quantity"] == 13
    assert aid["reached"] == {"total": 4, "women": 2, "men": 2, "children": 1, "elderly": 1}
    progs = aid["by_programme"]
    assert set(progs) == {"qamqor", "zhurekten", "mektepke_zhol"}
    assert (
        progs["qamqor"]["entries"],
        progs["qamqor"]["people"],
        progs["qamqor"]["households"],
        progs["qamqor"]["quantity"],
    ) == (2, 1, 1, 8)
    assert (
        progs["zhurekten"]["entries"],
        progs["zhurekten"]["people"],
        progs["zhurekten"]["households"],
        progs["zhurekten"]["quantity"],
    ) == (2, 2, 1, 4)
    assert progs["zhurekten"]["reached"] == {"total": 2, "women": 0, "men": 2, "children": 1, "elderly": 0}
    assert (progs["mektepke_zhol"]["entries"], progs["mektepke_zhol"]["quantity"]) == (1, 1)
    cats = aid["by_category"]
    assert set(cats) == {
        "veteran",
        "lonely_elderly",
        "large_family",
        "low_income",
    }  # R5's only aid was reversed
    assert (cats["veteran"]["entries"], cats["veteran"]["people"]) == (2, 1)
    assert (
        cats["large_family"]["entries"],
        cats["large_family"]["people"],
        cats["large_family"]["households"],
    ) == (2, 2, 1)
    assert (cats["low_income"]["entries"], cats["low_income"]["people"], cats["low_income"]["anonymous"]) == (
        2,
        2,
        1,
    )
    assert aid["items"] == {"item-flour": 10, "item-food-set": 3}


def test_donations_and_stock(october):
    don = october.current["donations"]
    assert don["count"] == 1  # D2 was reversed in November
    assert don["value_kzt"] == 150000
    assert don["items"] == {"item-flour": 100, "item-food-set": 10}
    # in: 100 + 20 flour, 10 sets; out by 31 Oct: 16 flour, 3 sets; 2 kg spoiled (D2's reversal is dated November)
    assert october.current["stock"] == {"item-flour": 102, "item-food-set": 7}


def test_registry(october):
    assert october.current["groups"] == {"creative_groups": 2, "associations": 2}


def test_comparisons_and_series(october):
    assert october.previous["events"]["held"] == 1
    assert october.previous["events"]["by_kind"] == {"meeting": 1}
    assert october.previous["aid"]["people"] == 1
    assert october.year_ago["events"]["held"] == 1
    assert october.year_ago["events"]["attendance"]["total"] == 10
    assert [p["month"] for p in october.series] == [shift_month("2026-10", -k) for k in range(11, -1, -1)]
    last = october.series[-1]
    assert (
        last["events_held"],
        last["attendance"],
        last["people_reached"],
        last["volunteer_minutes"],
        last["donations_value_kzt"],
    ) == (3, 153, 4, 225, 150000)
    assert october.series[-2]["events_held"] == 1
    assert sum(p["events_held"] for p in october.series[:-2]) == 0
    assert october.partial is False


def test_november_gets_what_crossed_the_boundary(fixture_store):
    nov = build_summary(fixture_store, "2026-11", today=dt.date(2026, 11, 20))
    assert nov.current["events"]["held"] == 1 and nov.current["events"]["attendance"]["total"] == 999
    assert nov.current["aid"]["entries"] == 1  # AG7 only: the November reversals belong to October
    assert nov.current["volunteers"]["minutes"] == 30
    assert nov.current["donations"]["count"] == 1 and nov.current["donations"]["value_kzt"] == 2500
    assert nov.partial is True


def test_payload_has_no_personal_data_and_round_trips(october, fixture_store):
    payload = october.to_payload()
    text = json.dumps(payload, ensure_ascii=False)
    for person in fixture_store.rows("SELECT * FROM people"):
        for field in ("surname", "iin", "phone", "id"):
            if person[field]:
                assert person[field] not in text
    for recipient in fixture_store.rows("SELECT id FROM recipients"):
        assert recipient["id"] not in text
    assert "Береке" not in text and "123456789012" not in text
    assert MonthlySummary.from_payload(text) == october
    assert october.org["region_code"] == "KZ-55"
    assert october.names["items"]["item-flour"] == ["Ұн", "Мука", "кг", "кг"]


def test_empty_month_is_zeros_not_an_error(store):
    empty = build_summary(store, "2030-01", today=dt.date(2030, 2, 1))
    cur = empty.current
    assert cur["events"]["held"] == 0 and cur["events"]["by_kind"] == {}
    assert cur["events"]["attendance"]["total"] == 0
    assert cur["volunteers"] == {"active": 0, "new": 0, "minutes": 0}
    assert cur["aid"]["entries"] == 0 and cur["aid"]["people"] == 0 and cur["aid"]["by_programme"] == {}
    assert cur["donations"] == {"count": 0, "value_kzt": 0, "items": {}}
    assert cur["stock"] == {}
    assert all(p["events_held"] == 0 for p in empty.series)


def test_correction_of_an_entry_older_than_a_year_stays_out_of_this_month(fixture_store):
    old = fixture_store.insert(
        "aid_given",
        {"given_on": "2025-09-10", "programme": "qamqor", "recipient_id": fixture_store.ids["R5"]},
    )
    fixture_store.insert("aid_lines", {"aid_id": old, "item_id": "item-rice", "quantity": 3})
    fix = fixture_store.insert(
        "aid_given",
        {"given_on": "2026-10-12", "programme": "qamqor", "reverses_id": old, "reason": "late correction"},
    )
    fixture_store.insert("aid_lines", {"aid_id": fix, "item_id": "item-rice", "quantity": -3})
    october = build_summary(fixture_store, "2026-10", today=dt.date(2026, 11, 20))
    assert october.current["aid"]["items"] == {"item-flour": 10, "item-food-set": 3}
    assert october.current["aid"]["entries"] == 5
    assert "item-rice" not in october.current["stock"]  # 3 out, 3 back: nothing left over
    september_2025 = build_summary(fixture_store, "2025-09", today=dt.date(2026, 11, 20))
    assert september_2025.current["aid"]["entries"] == 0  # reversed in full, a year later
