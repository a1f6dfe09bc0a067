"""A hand-built October 2026 whose every figure is known (see the expectations in test_summary.py).

It has what breaks naive counting: reversals (full and partial, written in a later month), a cancelled event,
a deleted event, anonymous recipients, the same person given aid twice, time logged both as a shift and on the
event, and events on both sides of the month boundary in Asia/Almaty (23:30 local; 00:30 local written in UTC).
"""

from __future__ import annotations

from desktop.store import Store

MONTH = "2026-10"
HOUSE = "KZ-55-01"


def build(store: Store) -> dict:
    ids: dict[str, str] = {}
    store.set_house(HOUSE)
    ins = store.insert
    with store.transaction():
        ids["P1"] = ins(
            "people",
            {
                "surname": "Әбенова",
                "name": "Гүлнар",
                "sex": "f",
                "birth_date": "1950-03-01",
                "iin": "500301400123",
                "phone": "+77011234567",
            },
        )
        ids["P2"] = ins("people", {"surname": "Ким", "name": "Артём", "sex": "m", "birth_date": "2015-06-01"})
        ids["P3"] = ins(
            "people", {"surname": "Иванова", "name": "Ольга", "sex": "f", "birth_date": "1990-01-01"}
        )
        ids["P4"] = ins(
            "people", {"surname": "Серіков", "name": "Нұрлан", "sex": "m", "birth_date": "1980-01-01"}
        )

        # ---- creative groups and associations
        ids["G1"] = ins("creative_groups", {"name": "Шаттық", "genre": "dance", "status": "active"})
        ids["G2"] = ins("creative_groups", {"name": "Радуга", "genre": "choir", "status": "active"})
        ins("creative_groups", {"name": "Бұрынғы", "status": "inactive"})
        g4 = ins("creative_groups", {"name": "Қате", "status": "active"})
        store.delete("creative_groups", g4)
        ids["A1"] = ins("associations", {"name": "Корей қауымдастығы", "ethnic_group": "korean"})
        ins("associations", {"name": "Украин мәдени орталығы", "ethnic_group": "ukrainian"})

        # ---- events
        def event(key, kind, starts_at, status="held", **extra):
            ids[key] = ins(
                "events",
                {
                    "title_kk": key,
                    "title_ru": key,
                    "kind": kind,
                    "starts_at": starts_at,
                    "status": status,
                    **extra,
                },
            )
            return ids[key]

        def headcount(event_id, total, women, men, children, elderly):
            ins(
                "event_attendance",
                {
                    "event_id": event_id,
                    "total": total,
                    "women": women,
                    "men": men,
                    "children": children,
                    "elderly": elderly,
                },
            )

        headcount(event("E1", "concert", "2026-10-05T18:00:00+05:00"), 100, 60, 40, 20, 15)
        ins("event_groups", {"event_id": ids["E1"], "group_id": ids["G1"]})
        ins("event_groups", {"event_id": ids["E1"], "group_id": ids["G2"]})
        ins("event_associations", {"event_id": ids["E1"], "association_id": ids["A1"]})
        # 23:30 on the 31st in Almaty: still October.
        headcount(event("E2", "holiday", "2026-10-31T23:30:00+05:00"), 50, 30, 20, 10, 5)
        ins("event_groups", {"event_id": ids["E2"], "group_id": ids["G1"]})
        # 00:30 on 1 November in Almaty, written in UTC (its text starts with 2026-10-31): November.
        headcount(event("E3", "concert", "2026-10-31T19:30:00+00:00"), 999, 500, 499, 0, 0)
        headcount(
            event("E4", "meeting", "2026-10-10T15:00:00+05:00", status="cancelled"), 500, 250, 250, 0, 0
        )
        event("E5", "meeting", "2026-09-30T23:30:00+05:00")  # September
        event("E6", "meeting", "2026-10-15T10:00:00+05:00", attendance_mode="named")
        for person in ("P1", "P2", "P3"):
            ins("event_attendees", {"event_id": ids["E6"], "person_id": ids[person]})
        headcount(event("E7", "concert", "2026-10-20T18:00:00+05:00"), 300, 150, 150, 0, 0)
        store.delete("events", ids["E7"])
        event("E8", "planned_kind_never_held", "2026-10-25T10:00:00+05:00", status="planned")
        headcount(event("E9", "exhibition", "2025-10-10T12:00:00+05:00"), 10, 6, 4, 1, 2)  # a year ago

        # ---- volunteers
        def volunteer(key, since, status="active"):
            person = ins("people", {"surname": key, "name": key})
            ids[key] = ins("volunteers", {"person_id": person, "since": since, "status": status})

        volunteer("V1", "2025-05-01")
        volunteer("V2", "2026-10-03")
        volunteer("V3", "2026-10-20")
        volunteer("V4", "2024-01-01", status="paused")

        def shift(volunteer_key, check_in, minutes, **extra):
            return ins(
                "volunteer_shifts",
                {"volunteer_id": ids[volunteer_key], "check_in": check_in, "minutes": minutes, **extra},
            )

        shift("V1", "2026-10-02T09:00:00+05:00", 120)
        shift("V1", "2026-10-31T23:30:00+05:00", 60, event_id=ids["E2"])
        v2_shift = shift("V2", "2026-10-07T10:00:00+05:00", 90)
        # Corrected in November: the reversal still belongs to October's figures.
        shift("V2", "2026-11-02T09:00:00+05:00", -90, reverses_id=v2_shift, reason="wrong person")
        shift("V3", "2026-11-01T00:10:00+05:00", 30)
        ins("event_volunteers", {"event_id": ids["E1"], "volunteer_id": ids["V2"], "minutes": 45})
        ins(
            "event_volunteers", {"event_id": ids["E2"], "volunteer_id": ids["V1"], "minutes": 60}
        )  # also a shift
        ins(
            "event_volunteers", {"event_id": ids["E4"], "volunteer_id": ids["V4"], "minutes": 100}
        )  # cancelled

        # ---- recipients and households
        ids["H1"] = ins("households", {"locality": "Павлодар", "members_count": 5, "children_count": 3})
        ids["H2"] = ins("households", {"locality": "Павлодар", "members_count": 1})
        ids["R1"] = ins(
            "recipients",
            {"person_id": ids["P1"], "household_id": ids["H2"], "categories": ["veteran", "lonely_elderly"]},
        )
        ids["R2"] = ins(
            "recipients",
            {
                "person_id": ids["P2"],
                "household_id": ids["H1"],
                "categories": ["large_family"],
                "age_band": "child",
            },
        )
        ids["R3"] = ins(
            "recipients", {"anonymous": 1, "sex": "m", "age_band": "adult", "categories": ["low_income"]}
        )
        ids["R4"] = ins(
            "recipients",
            {
                "person_id": ids["P3"],
                "household_id": ids["H1"],
                "sex": "f",
                "categories": ["large_family", "low_income"],
            },
        )
        ids["R5"] = ins("recipients", {"person_id": ids["P4"], "categories": ["disability"]})

        def aid(key, day, programme, recipient, lines, **extra):
            ids[key] = ins(
                "aid_given",
                {"given_on": day, "programme": programme, "recipient_id": ids.get(recipient), **extra},
            )
            for item, qty in lines:
                ins("aid_lines", {"aid_id": ids[key], "item_id": item, "quantity": qty})

        aid("AG1", "2026-10-03", "qamqor", "R1", [("item-flour", 5)])
        aid("AG2", "2026-10-04", "zhurekten", "R2", [("item-food-set", 1)], household_id=ids["H1"])
        aid("AG3", "2026-10-05", "zhurekten", "R3", [("item-food-set", 1), ("item-flour", 2)])
        aid("AG4", "2026-10-06", "qamqor", "R1", [("item-flour", 3)])
        aid("AG5", "2026-10-10", "qamqor", "R5", [("item-flour", 4)])
        aid(
            "AG5R", "2026-11-03", "qamqor", "R5", [("item-flour", -4)], reverses_id=ids["AG5"], reason="error"
        )
        aid("AG6", "2026-10-31", "mektepke_zhol", "R4", [("item-food-set", 2)])
        aid(
            "AG6R",
            "2026-10-31",
            "mektepke_zhol",
            "R4",
            [("item-food-set", -1)],
            reverses_id=ids["AG6"],
            reason="one set returned",
        )
        aid("AG7", "2026-11-01", "qamqor", "R5", [("item-flour", 1)])
        aid("AG8", "2026-09-30", "qamqor", "R5", [("item-flour", 2)])

        # ---- donations and stock
        def donation(key, day, lines, **extra):
            ids[key] = ins(
                "donations",
                {
                    "received_on": day,
                    "donor_kind": "organisation",
                    "donor_org_name": "ЖШС Береке",
                    "donor_bin": "123456789012",
                    **extra,
                },
            )
            for item, qty, value in lines:
                ins(
                    "donation_lines",
                    {"donation_id": ids[key], "item_id": item, "quantity": qty, "value_kzt": value},
                )

        donation("D1", "2026-10-02", [("item-flour", 100, 50000), ("item-food-set", 10, 100000)])
        donation("D2", "2026-10-20", [("item-flour", 20, 10000)])
        donation("D2R", "2026-11-05", [("item-flour", -20, 10000)], reverses_id=ids["D2"], reason="duplicate")
        donation("D3", "2026-11-01", [("item-flour", 5, 2500)])
        ins(
            "stock_adjustments",
            {"adjusted_on": "2026-10-15", "item_id": "item-flour", "quantity": -2, "reason": "spoiled"},
        )
    return ids
