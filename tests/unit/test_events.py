"""Events: saving with links, bad input refused before writing, attendance checks, filters, sorting, calendar,
volunteers' event minutes."""

from __future__ import annotations

import datetime as dt

import pytest

from desktop import event_calendar, event_facts, events
from desktop.clock import TZ
from desktop.errors import ValidationError, ValidationErrors
from desktop.events import EventFilter, EventInput, Headcount
from desktop.i18n import set_language
from desktop.store import Store


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "house.db")
    s.set_house("KZ-55-01")
    yield s
    s.close()


@pytest.fixture(autouse=True)
def english():
    set_language("en")
    yield
    set_language("en")


def at(y, m, d, h=11, mi=0):
    return dt.datetime(y, m, d, h, mi, tzinfo=TZ)


def make_volunteer(store, surname="Сейітқали", name="Әсел"):
    person = store.insert("people", {"surname": surname, "name": name})
    return store.insert("volunteers", {"person_id": person})


def writes(store):
    return store.scalar("SELECT count(*) FROM outbox")


def field_errors(exc) -> dict[str, str]:
    errs = exc.errors if isinstance(exc, ValidationErrors) else [exc]
    return {e.field: e.message for e in errs}


def test_save_and_read_back_with_links(store):
    assoc = store.insert("associations", {"name": "Украин мәдени орталығы"})
    group = store.insert("creative_groups", {"name": "Достық ансамблі"})
    vol = make_volunteer(store)
    data = EventInput(
        starts_at=at(2026, 3, 21, 10),
        ends_at=at(2026, 3, 23, 18),
        title_kk="Наурыз",
        title_ru="Наурыз",
        kind="holiday",
        place="Достық үйі",
        association_ids=[assoc],
        group_ids=[group, group],
        volunteers={vol: 240},
        headcount=Headcount(120, 70, 50, 30, 20),
    )
    event_id = events.save_event(store, data)
    back = events.get_event(store, event_id)
    assert back.starts_at == at(2026, 3, 21, 10) and back.ends_at == at(2026, 3, 23, 18)
    assert store.get("events", event_id)["starts_at"] == "2026-03-21T10:00:00+05:00"
    assert back.association_ids == [assoc] and back.group_ids == [group]
    assert back.volunteers == {vol: 240}
    assert back.headcount == Headcount(120, 70, 50, 30, 20)

    # Editing touches only what changed: a removed group is tombstoned, minutes updated in place.
    back.group_ids = []
    back.volunteers = {vol: 300}
    events.save_event(store, back, event_id)
    again = events.get_event(store, event_id)
    assert again.group_ids == [] and again.volunteers == {vol: 300}
    assert store.scalar("SELECT count(*) FROM event_volunteers") == 1


def test_end_before_start_refused_and_nothing_saved(store):
    before = writes(store)
    data = EventInput(
        starts_at=at(2026, 5, 9, 12), ends_at=at(2026, 5, 9, 10), title_ru="День Победы", kind="holiday"
    )
    with pytest.raises(ValidationError) as info:
        events.save_event(store, data)
    assert info.value.field == "event_ends_at"
    assert "end before it starts" in info.value.message
    assert writes(store) == before
    assert store.scalar("SELECT count(*) FROM events") == 0


def test_title_needed_in_one_language(store):
    with pytest.raises(ValidationError) as info:
        events.save_event(store, EventInput(starts_at=at(2026, 1, 1), title_kk="  ", kind="concert"))
    assert info.value.field == "event_title"
    assert store.scalar("SELECT count(*) FROM events") == 0
    assert events.save_event(store, EventInput(starts_at=at(2026, 1, 1), title_ru="Концерт", kind="concert"))


@pytest.mark.parametrize(
    "count, bad_fields",
    [
        (Headcount(100, 60, 40, 30, 20), set()),
        (Headcount(100, 60, 41, 0, 0), {"attendance_women"}),
        (Headcount(10, 0, 0, 11, 0), {"attendance_children"}),
        (Headcount(10, 0, 0, 0, 12), {"attendance_elderly"}),
        (Headcount(10, 6, 6, 11, 11), {"attendance_women", "attendance_children", "attendance_elderly"}),
        (Headcount(10, 0, 0, 6, 6), {"attendance_elderly"}),  # one person is not both a child and elderly
        (Headcount(-1, 0, 0, 0, 0), {"attendance_total"}),
    ],
)
def test_headcount_parts_cannot_exceed_total(count, bad_fields):
    assert {e.field for e in events.validate_headcount(count)} == bad_fields


def test_parts_above_total_refused_nothing_saved(store):
    data = EventInput(
        starts_at=at(2026, 3, 1),
        title_kk="Алғыс айту күні",
        kind="holiday",
        status="held",
        headcount=Headcount(total=50, women=40, men=20),
    )
    with pytest.raises(ValidationError) as info:
        events.save_event(store, data)
    assert info.value.field == "attendance_women"
    assert "(60)" in info.value.message and "(50)" in info.value.message
    assert store.scalar("SELECT count(*) FROM events") == 0
    assert store.scalar("SELECT count(*) FROM event_attendance") == 0


def test_several_errors_reported_at_once(store):
    data = EventInput(
        starts_at=at(2026, 3, 1, 12),
        ends_at=at(2026, 3, 1, 9),
        kind="nonsense",
        headcount=Headcount(total=1, children=2),
    )
    with pytest.raises(ValidationErrors) as info:
        events.save_event(store, data)
    assert set(field_errors(info.value)) == {
        "event_title",
        "event_kind",
        "event_ends_at",
        "attendance_children",
    }


def test_named_attendance(store):
    people = [store.insert("people", {"surname": s, "name": "А"}) for s in ("Ким", "Пак", "Ли")]
    event_id = events.save_event(
        store,
        EventInput(
            starts_at=at(2026, 2, 1),
            title_ru="Встреча",
            kind="meeting",
            attendance_mode="named",
            attendee_ids=people + people[:1],
        ),
    )
    assert events.get_event(store, event_id).attendee_ids == people
    events.record_attendees(store, event_id, people[1:])
    assert events.get_event(store, event_id).attendee_ids == people[1:]
    assert events.list_events(store)[0]["attendance"] == 2


def test_record_headcount_refuses_bad_parts(store):
    event_id = events.save_event(
        store, EventInput(starts_at=at(2026, 2, 1), title_ru="Концерт", kind="concert")
    )
    with pytest.raises(ValidationError):
        events.record_headcount(store, event_id, Headcount(total=5, elderly=6))
    assert store.scalar("SELECT count(*) FROM event_attendance") == 0
    events.record_headcount(store, event_id, Headcount(total=5, women=3, men=2, elderly=1))
    events.record_headcount(store, event_id, Headcount(total=6, women=3, men=3, elderly=1))
    assert store.scalar("SELECT count(*) FROM event_attendance WHERE deleted = 0") == 1
    assert events.list_events(store)[0]["attendance"] == 6


def _three_events(store):
    a = events.save_event(
        store,
        EventInput(
            starts_at=at(2026, 3, 21, 10),
            ends_at=at(2026, 3, 23, 18),
            title_kk="Наурыз мейрамы",
            kind="holiday",
            status="held",
        ),
    )
    b = events.save_event(
        store,
        EventInput(
            starts_at=at(2026, 3, 5, 15),
            title_ru="Әсем әуен концерті",
            kind="concert",
            status="planned",
            place="Зал",
        ),
    )
    c = events.save_event(
        store,
        EventInput(
            starts_at=at(2026, 4, 2, 11), title_kk="Дөңгелек үстел", kind="round_table", status="cancelled"
        ),
    )
    return a, b, c


def test_filters(store):
    a, b, c = _three_events(store)
    ids = lambda f: [r["id"] for r in events.list_events(store, f)]
    assert ids(EventFilter(month="2026-03")) == [b, a]
    assert ids(EventFilter(month="2026-04")) == [c]
    assert ids(EventFilter(kind="concert")) == [b]
    assert ids(EventFilter(status="cancelled")) == [c]
    assert ids(EventFilter(status="held", month="2026-03")) == [a]
    # Search by title, folded, and typed on a Russian keyboard without Kazakh letters.
    assert ids(EventFilter(search="НАУРЫЗ")) == [a]
    assert ids(EventFilter(search="асем ауен")) == [b]
    assert ids(EventFilter(search="доңгелек")) == [c]
    assert events.count_events(store, EventFilter(month="2026-03")) == 2


def test_sorting(store):
    a, b, c = _three_events(store)
    ids = lambda **kw: [r["id"] for r in events.list_events(store, **kw)]
    assert ids(sort="starts_at") == [b, a, c]
    assert ids(sort="starts_at", descending=True) == [c, a, b]
    # Kazakh alphabet order: Ә comes right after А, so Әсем sorts before Дөңгелек and Наурыз.
    assert ids(sort="title") == [b, c, a]
    assert ids(sort="kind") == [a, b, c]  # holiday, concert, round table in the reference order
    assert ids(sort="status") == [c, a, b]


def test_deleted_events_are_gone(store):
    a, b, c = _three_events(store)
    events.delete_event(store, b)
    assert [r["id"] for r in events.list_events(store)] == [a, c]


def test_calendar_month_grid_and_multi_day_events(store):
    a, b, _c = _three_events(store)
    view = event_calendar.calendar_month(store, 2026, 3, lang="kk")
    assert view.weeks[0][0].date == dt.date(2026, 2, 23)  # Monday-first
    assert all(len(w) == 7 for w in view.weeks)
    assert view.event_count == 2
    assert [e.id for e in view.day(dt.date(2026, 3, 5)).entries] == [b]
    assert view.day(dt.date(2026, 3, 5)).entries[0].time_label == "15:00"
    for day in (21, 22, 23):
        entry = view.day(dt.date(2026, 3, day)).entries[0]
        assert entry.id == a and entry.continued == (day != 21)
    assert view.day(dt.date(2026, 3, 24)).entries == []
    # The title falls back to the other language when one is empty.
    assert view.day(dt.date(2026, 3, 5)).entries[0].title == "Әсем әуен концерті"
    filtered = event_calendar.calendar_month(store, 2026, 3, EventFilter(kind="concert"))
    assert filtered.event_count == 1


def test_volunteer_event_minutes_count_in_their_month(store):
    vol, other = make_volunteer(store), make_volunteer(store, "Иванов", "Иван")
    events.save_event(
        store,
        EventInput(
            starts_at=at(2026, 3, 1), title_kk="Алғыс айту", kind="holiday", volunteers={vol: 90, other: 30}
        ),
    )
    events.save_event(
        store,
        EventInput(starts_at=at(2026, 3, 21, 10), title_kk="Наурыз", kind="holiday", volunteers={vol: 180}),
    )
    events.save_event(
        store, EventInput(starts_at=at(2026, 4, 1), title_kk="Кездесу", kind="meeting", volunteers={vol: 60})
    )
    cancelled = events.save_event(
        store,
        EventInput(
            starts_at=at(2026, 3, 10),
            title_kk="Болмады",
            kind="meeting",
            status="cancelled",
            volunteers={vol: 45},
        ),
    )
    assert events.event_minutes_by_volunteer(store, "2026-03") == {vol: 270, other: 30}
    assert events.event_minutes_by_volunteer(store, dt.date(2026, 4, 15)) == {vol: 60}
    assert events.volunteer_event_minutes(store, vol, "2026-03") == 270
    assert cancelled
    with pytest.raises(ValidationError):
        events.save_event(
            store, EventInput(starts_at=at(2026, 3, 2), title_kk="Х", kind="meeting", volunteers={vol: -5})
        )
    assert events.event_minutes_by_volunteer(store, "2026-03") == {vol: 270, other: 30}


def test_held_only_once_started(store):
    now = at(2026, 6, 1, 12)
    future = EventInput(starts_at=at(2026, 6, 2), title_kk="Концерт", kind="concert", status="held")
    with pytest.raises(ValidationError) as info:
        events.save_event(store, future, now=now)
    assert info.value.field == "event_status"
    future.status = "planned"
    assert events.save_event(store, future, now=now)
    past = EventInput(starts_at=at(2026, 6, 1, 10), title_kk="Кездесу", kind="meeting", status="held")
    assert events.save_event(store, past, now=now)


def test_cancelled_event_has_no_attendance(store):
    data = EventInput(
        starts_at=at(2026, 2, 1),
        title_kk="Кездесу",
        kind="meeting",
        status="cancelled",
        headcount=Headcount(total=10, women=5, men=5),
    )
    with pytest.raises(ValidationError) as info:
        events.save_event(store, data)
    assert info.value.field == "attendance_total"
    data.headcount = Headcount()
    assert events.save_event(store, data)
    person = store.insert("people", {"surname": "Ким", "name": "Инна"})
    named = EventInput(
        starts_at=at(2026, 2, 2),
        title_kk="Кездесу",
        kind="meeting",
        status="cancelled",
        attendance_mode="named",
        attendee_ids=[person],
    )
    with pytest.raises(ValidationError):
        events.save_event(store, named)


def test_month_summary_in_aggregate(store):
    group = store.insert("creative_groups", {"name": "Шалқыма"})
    assoc = store.insert("associations", {"name": "Корей орталығы"})
    vol = make_volunteer(store)
    girl = store.insert("people", {"surname": "Ким", "name": "Даша", "sex": "f", "birth_date": "2015-01-01"})
    grandpa = store.insert(
        "people", {"surname": "Ли", "name": "Пётр", "sex": "m", "birth_date": "1950-01-01"}
    )
    events.save_event(
        store,
        EventInput(
            starts_at=at(2026, 3, 1),
            title_kk="Алғыс айту",
            kind="holiday",
            status="held",
            group_ids=[group],
            association_ids=[assoc],
            volunteers={vol: 120},
            headcount=Headcount(100, 60, 40, 20, 15),
        ),
    )
    events.save_event(
        store,
        EventInput(
            starts_at=at(2026, 3, 5),
            title_kk="Кездесу",
            kind="meeting",
            status="held",
            attendance_mode="named",
            attendee_ids=[girl, grandpa],
        ),
    )
    events.save_event(
        store,
        EventInput(
            starts_at=at(2026, 3, 9),
            title_kk="Концерт",
            kind="concert",
            status="cancelled",
            group_ids=[group],
        ),
    )
    events.save_event(
        store,
        EventInput(
            starts_at=at(2026, 4, 1), title_kk="Сәуір", kind="concert", status="held", headcount=Headcount(50)
        ),
    )
    summary = event_facts.month_summary(store, "2026-03")
    assert summary.by_status == {"held": 2, "cancelled": 1}
    assert summary.held_by_kind == {"holiday": 1, "meeting": 1}
    assert summary.attendance == Headcount(total=102, women=61, men=41, children=21, elderly=16)
    assert (summary.performances, summary.groups_performed, summary.associations_involved) == (1, 1, 1)
    assert summary.volunteer_minutes == 120


def test_minutes_count_once_the_event_has_started(store):
    vol = make_volunteer(store)
    events.save_event(
        store,
        EventInput(starts_at=at(2026, 5, 20, 10), title_kk="Концерт", kind="concert", volunteers={vol: 60}),
    )
    assert events.event_minutes_by_volunteer(store, "2026-05", now=at(2026, 5, 19, 12)) == {}
    assert events.event_minutes_by_volunteer(store, "2026-05", now=at(2026, 5, 20, 10)) == {vol: 60}
    assert events.volunteer_event_minutes(store, vol, "2026-05", now=at(2026, 6, 1)) == 60


def test_volunteer_hours_skip_coming_events_and_time_already_on_a_kiosk_shift(store, clock):
    from desktop import volunteers

    clock.set(at(2026, 11, 25, 12))
    vol = make_volunteer(store)
    past = events.save_event(
        store,
        EventInput(starts_at=at(2026, 11, 10), title_kk="Концерт", kind="concert", volunteers={vol: 120}),
    )
    events.save_event(
        store,
        EventInput(starts_at=at(2026, 11, 27), title_kk="Кездесу", kind="meeting", volunteers={vol: 90}),
    )  # planned, still to come
    assert volunteers.minutes_in_period(store, vol, dt.date(2026, 11, 1), dt.date(2026, 11, 30)) == 120
    assert volunteers.minutes_by_month(store, vol, 2026)[11] == 120
    # The volunteer also checked in at the kiosk for the past event: that shift holds the time, counted once.
    store.insert(
        "volunteer_shifts",
        {
            "volunteer_id": vol,
            "check_in": at(2026, 11, 10, 10).isoformat(),
            "check_out": at(2026, 11, 10, 13).isoformat(),
            "minutes": 180,
            "event_id": past,
        },
    )
    assert volunteers.minutes_in_period(store, vol, dt.date(2026, 11, 1), dt.date(2026, 11, 30)) == 180
    assert [r["total_minutes"] for r in volunteers.month_hours(store, "2026-11")] == [180]
