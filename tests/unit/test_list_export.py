"""Every list out to XLSX and CSV: headers in the interface language, the screen's filter and sort, every row,
typed cells, IIN and phone masked without people.view, refused for a volunteer, an audit entry."""

from __future__ import annotations

import csv
import datetime as dt
import json

import openpyxl
import pytest

from desktop import aid, events, groups, list_export, roles, volunteers
from desktop.aid import DonationEntry, Line, RecipientInput
from desktop.clock import TZ
from desktop.events import EventFilter, EventInput
from desktop.groups import AssociationInput, GroupInput, MemberInput
from desktop.roles import PermissionDenied

TODAY = dt.date(2026, 11, 20)


def volunteer(store, surname, name, status="active", phone="", iin=""):
    person = {
        "surname": surname,
        "name": name,
        "birth_date": "",
        "languages": ["kk"],
        "phone": phone,
        "iin": iin,
    }
    values = {
        "status": status,
        "since": "01.02.2025",
        "skills": [],
        "consent_given_on": "01.02.2025",
        "consent_form_version": "2026-1",
    }
    return volunteers.save_volunteer(store, person, values, today=TODAY)[1]


def read_xlsx(path):
    sheet = openpyxl.load_workbook(path).active
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def read_csv(path, delimiter=";"):
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh, delimiter=delimiter))


@pytest.fixture
def register(store, clock):
    volunteer(store, "Бекова", "Айгерім", phone="+77011234567", iin="900101400013")
    volunteer(store, "Әлиев", "Марат", status="paused")
    volunteer(store, "Ахметов", "Данияр", phone="+77019876543")
    return store


def test_the_volunteer_register_keeps_the_screens_filter_and_sort_in_kazakh(register, tmp_path, lang):
    lang("kk")
    query = volunteers.RegisterQuery(status="active", sort="name", descending=True)
    path = tmp_path / "volunteers.xlsx"
    assert list_export.export_list(register, "volunteers", path, query) == 2
    header, *rows = read_xlsx(path)
    assert header == [
        "Аты",
        "Мәртебесі",
        "Қашаннан бері ерікті",
        "Туған күні",
        "Осы айдағы сағат",
        "Тілдер",
        "Телефон",
        "ЖСН",
    ]
    assert [r[0] for r in rows] == ["Бекова Айгерім", "Ахметов Данияр"]
    assert isinstance(rows[0][2], dt.datetime) and rows[0][2].date() == dt.date(2025, 2, 1)
    assert rows[0][7] == "900101400013" and rows[0][6] == "+7 701 123 45 67" and rows[0][4] == 0


def test_the_register_as_csv_in_russian_with_semicolons_and_a_bom(register, tmp_path, lang):
    lang("ru")
    path = tmp_path / "volunteers.csv"
    list_export.export_list(register, "volunteers", path, volunteers.RegisterQuery(sort="name"))
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    header, *rows = read_csv(path)
    assert header == [
        "Имя",
        "Статус",
        "Волонтёр с",
        "Дата рождения",
        "Часов в этом месяце",
        "Языки",
        "Телефон",
        "ИИН",
    ]
    assert [r[0] for r in rows] == ["Ахметов Данияр", "Әлиев Марат", "Бекова Айгерім"]
    assert rows[0][2] == "01.02.2025" and rows[0][4] == "0"
    assert rows[1][1] == "Приостановлен"


def test_every_row_not_only_the_first_page(store, clock, tmp_path, monkeypatch):
    monkeypatch.setattr(list_export, "BATCH", 2)
    for surname in ("Әбенов", "Бекұлы", "Дәуренов", "Ерланов", "Жұмабаев"):
        volunteer(store, surname, "Адам")
    path = tmp_path / "all.csv"
    assert list_export.export_list(store, "volunteers", path, volunteers.RegisterQuery()) == 5
    assert len(read_csv(path)) == 6


def test_iin_and_phone_masked_for_a_role_without_people_view(register, tmp_path):
    register.actor = roles.Actor("acc-x", "X", "staff", frozenset({"exports", "records.read"}))
    path = tmp_path / "masked.xlsx"
    list_export.export_list(register, "volunteers", path, volunteers.RegisterQuery(sort="name"))
    header, *rows = read_xlsx(path)
    bekova = rows[2]
    phone, iin = bekova[header.index("Phone")], bekova[header.index("IIN")]
    assert iin == "••••••••0013" and phone.endswith("45 67") and "701" not in phone
    assert "900101400013" not in path.read_bytes().decode("latin-1")


def test_a_volunteer_may_not_export_and_nothing_is_written(register, tmp_path):
    register.actor = roles.actor_for("acc-v", "V", roles.VOLUNTEER)
    path = tmp_path / "no.xlsx"
    with pytest.raises(PermissionDenied):
        list_export.export_list(register, "volunteers", path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "house.sqlite",
        "house.sqlite-shm",
        "house.sqlite-wal",
    ]
    assert register.scalar("SELECT count(*) FROM audit_log WHERE action = 'list_export'") == 0


def test_an_export_is_audited_without_the_rows(register, tmp_path):
    path = tmp_path / "v.csv"
    list_export.export_list(register, "volunteers", path, volunteers.RegisterQuery())
    [entry] = register.rows("SELECT action, details FROM audit_log WHERE action = 'list_export'")
    details = json.loads(entry["details"])
    assert details["list"] == "volunteers" and details["rows"] == 3 and details["format"] == "csv"
    assert "Бекова" not in entry["details"]


def test_a_formula_in_a_name_stays_text(store, clock, tmp_path):
    volunteer(store, "=HYPERLINK", "Адам")
    xlsx, csv_path = tmp_path / "f.xlsx", tmp_path / "f.csv"
    list_export.export_list(store, "volunteers", xlsx)
    list_export.export_list(store, "volunteers", csv_path)
    assert read_xlsx(xlsx)[1][0] == "=HYPERLINK Адам"
    assert read_csv(csv_path)[1][0] == "'=HYPERLINK Адам"


def test_events_by_the_screens_filter_and_sort(store, clock, tmp_path, lang):
    def event(title, day, kind="holiday", status="held"):
        start = dt.datetime(2026, 11, day, 11, tzinfo=TZ)
        return events.save_event(
            store,
            EventInput(starts_at=start, title_kk=title, title_ru=title + " ru", kind=kind, status=status),
        )

    event("Наурыз", 3)
    event("Жиналыс", 10, kind="meeting")
    event("Той", 15)
    event("Қазан", 15, status="planned")
    lang("ru")
    flt = EventFilter(kind="holiday", status="held", month="2026-11")
    path = tmp_path / "events.xlsx"
    assert list_export.export_list(store, "events", path, (flt, "starts_at", True)) == 2
    header, *rows = read_xlsx(path)
    assert header == ["Дата", "Название", "Вид", "Место", "Статус", "Посещаемость"]
    assert [r[1] for r in rows] == ["Той ru", "Наурыз ru"]
    assert rows[0][0] == dt.datetime(2026, 11, 15) and rows[0][2] == "Праздник"


def test_aid_donations_stock_and_recipients(store, clock, tmp_path, lang):
    point = aid.save_aid_point(store, {"name": "Орталық пункт"})
    aid.save_donation(
        store, DonationEntry(TODAY, point, "anonymous", [Line("item-flour", 100, 15000)]), today=TODAY
    )
    rid = aid.save_recipient(
        store,
        RecipientInput(
            consent=True,
            form_version="2026-1",
            surname="Қасымов",
            name="Қайрат",
            sex="m",
            birth_date="1950-03-02",
            categories=["veteran"],
            consent_on=TODAY,
        ),
        today=TODAY,
    )
    aid.save_aid(
        store, aid.AidEntry(TODAY, point, "qamqor", rid, [Line("item-flour", 5)], "Әсел"), today=TODAY
    )
    lang("kk")
    donations = tmp_path / "d.xlsx"
    list_export.export_list(store, "donations", donations)
    header, row = read_xlsx(donations)
    assert header == ["Күні", "Түбіртек №", "Демеуші", "Заттар", "Құны", "Көмек пункті", "Қабылдаған"]
    assert row[0] == dt.datetime(2026, 11, 20) and row[4] == 15000 and row[5] == "Орталық пункт"
    donations_csv = tmp_path / "d.csv"
    list_export.export_list(store, "donations", donations_csv)
    assert read_csv(donations_csv)[1][4] == "15\xa0000\xa0₸"
    stock = tmp_path / "s.csv"
    list_export.export_list(store, "stock", stock, (point, True))
    header, *lines = read_csv(stock)
    assert header[4:] == ["Түсті", "Берілді", "Түзетілді", "Қалдық"]
    flour = [r for r in lines if r[4] != "0"]
    assert [(r[0], r[4], r[5], r[7]) for r in flour] == [("Орталық пункт", "100", "5", "95")]
    assert len(lines) > 1  # with every item of the catalogue, as the screen's "Show items with no movement"
    list_export.export_list(store, "stock", stock, (point, False))
    assert len(read_csv(stock)) == 2
    given = tmp_path / "a.xlsx"
    list_export.export_list(store, "aid", given)
    header, row = read_xlsx(given)
    assert header[:4] == ["Күні", "Түбіртек №", "Алушы", "Бағдарлама"]
    assert row[2].startswith("Қасымов Қайрат") and row[3] == "Қамқор"
    recipients = tmp_path / "r.xlsx"
    assert list_export.export_list(store, "recipients", recipients, "Қасым") == 1
    assert list_export.export_list(store, "recipients", recipients, "Жоқ") == 0
    list_export.export_list(store, "recipients", recipients, "")
    header, row = read_xlsx(recipients)
    assert header == ["Аты", "Туған күні", "Санаттары", "Соңғы көмек", "Жазбалар"]
    assert row[1] == dt.datetime(1950, 3, 2) and row[3] == dt.datetime(2026, 11, 20) and row[4] == 1


def test_a_folder_that_does_not_exist_is_a_clear_error(register, tmp_path):
    with pytest.raises(list_export.ListExportError) as caught:
        list_export.export_list(register, "volunteers", tmp_path / "missing" / "v.xlsx")
    assert "missing" in caught.value.message


def test_a_list_sorted_on_the_screen_by_a_header_click_is_exported_in_that_order(store, clock, tmp_path):
    point = aid.save_aid_point(store, {"name": "Орталық пункт"})
    for value in (500, 20000, 3000):
        aid.save_donation(
            store, DonationEntry(TODAY, point, "anonymous", [Line("item-flour", 1, value)]), today=TODAY
        )
    path = tmp_path / "d.xlsx"
    list_export.export_list(store, "donations", path, sort=("Value", True))
    assert [r[4] for r in read_xlsx(path)[1:]] == [20000, 3000, 500]
    list_export.export_list(store, "donations", path, sort=("Value", False))
    assert [r[4] for r in read_xlsx(path)[1:]] == [500, 3000, 20000]


def test_groups_their_members_and_associations(store, clock, tmp_path, lang):
    def person(surname, name, born):
        return store.insert("people", {"surname": surname, "name": name, "birth_date": born})

    association = groups.save_association(
        store, AssociationInput(name="Корей мәдени орталығы", ethnic_group="korean", phone="+77272000000")
    )
    groups.save_group(
        store,
        GroupInput(
            name="Ариран",
            ethnic_group="korean",
            genre="dance",
            association_id=association,
            founded=dt.date(2001, 9, 1),
            members=[
                MemberInput(person("Ким", "Елена", "1990-01-01"), role="солист", joined=dt.date(2020, 1, 1)),
                MemberInput(person("Әбенова", "Сәуле", "1985-05-05")),
            ],
        ),
        today=TODAY,
    )
    choir = groups.save_group(
        store,
        GroupInput(name="Бірлік", genre="choir", members=[MemberInput(person("Ли", "Ирина", "1970-03-03"))]),
        today=TODAY,
    )
    lang("kk")
    path = tmp_path / "g.xlsx"
    assert list_export.export_list(store, "groups", path, ("", None, "name", True)) == 2
    header, *rows = read_xlsx(path)
    assert header[:4] == ["Аты", "Жанры", "Этнос", "Құрылған күні"] and header[-1] == "Мүшелері"
    assert [(r[0], r[1], r[-1]) for r in rows] == [("Бірлік", "Хор", 1), ("Ариран", "Би", 2)]
    assert rows[1][3] == dt.datetime(2001, 9, 1)
    assert list_export.export_list(store, "groups", path, ("", "choir", "name", False)) == 1
    members = tmp_path / "m.csv"
    assert list_export.export_list(store, "members", members) == 3
    header, *rows = read_csv(members)
    assert header[:4] == ["Шығармашылық ұжым", "Аты", "Туған күні", "Жасы"]
    assert [(r[0], r[1]) for r in rows] == [
        ("Ариран", "Әбенова Сәуле"),
        ("Ариран", "Ким Елена"),
        ("Бірлік", "Ли Ирина"),
    ]
    assert rows[1][2:6] == ["01.01.1990", "36", "солист", "01.01.2020"]
    assert list_export.export_list(store, "members", members, choir) == 1
    assert read_csv(members)[1][:2] == ["Бірлік", "Ли Ирина"]
    associations = tmp_path / "a.xlsx"
    assert list_export.export_list(store, "associations", associations, ("Корей", "name", False)) == 1
    header, row = read_xlsx(associations)
    assert header[:4] == ["Аты", "Этнос", "Жетекшісі", "Телефон"]
    assert row[0] == "Корей мәдени орталығы" and row[3] == "+7 727 200 00 00" and row[5] == 1


def test_a_cancel_during_a_long_read_stops_the_export_before_any_file(store, clock, tmp_path, monkeypatch):
    monkeypatch.setattr(list_export, "BATCH", 2)
    for surname in ("Әбенов", "Бекұлы", "Дәуренов", "Ерланов", "Жұмабаев"):
        volunteer(store, surname, "Адам")
    calls = []

    class Cancelled(Exception):
        pass

    def progress(done, total):
        calls.append(done)
        if len(calls) > 1:
            raise Cancelled

    with pytest.raises(Cancelled):
        list_export.export_list(store, "volunteers", tmp_path / "v.xlsx", progress=progress)
    assert calls == [0, 0] and not (tmp_path / "v.xlsx").exists()
    assert store.scalar("SELECT count(*) FROM audit_log WHERE action = 'list_export'") == 0
