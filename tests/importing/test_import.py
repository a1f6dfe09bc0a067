"""Importing the house's spreadsheets: the messy fixtures of tests/importing/messy.py read, checked in a dry run
(the JSON checked field by field), imported in one transaction as the acting account, and undone."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from desktop import clock as app_clock
from desktop import importing, people, roles, volunteers
from desktop.importing import ImportFileError, UndoRefused
from desktop.roles import PermissionDenied
from tests.importing import messy

ROOT = Path(__file__).resolve().parents[2]
STAFF = roles.actor_for("acc-staff", "Staff", roles.STAFF)


def _person(row, full_name, phone=None, birth=None, iin=None, email=None):
    return {
        "row": row,
        "full_name": full_name,
        "phone": phone,
        "birth_date": birth,
        "iin": iin,
        "email": email,
    }


def test_the_volunteers_workbook_dry_run_row_by_row(store, clock, tmp_path):
    path = messy.volunteers_xlsx(tmp_path / "volunteers.xlsx")
    plan = importing.dry_run(store, path, "volunteers")
    out = importing.as_json(plan)
    assert plan.layout.header_row == 4  # under two merged title rows and a blank row
    assert out["imported"] == [
        _person(5, "Иванова Айгүл Сериковна", "+77011234567", "1990-03-05", messy.IIN_A, "aigul@example.kz"),
        _person(6, "Сейітов Нұрлан", "+77021234567", "2004-07-09", messy.IIN_B),
        _person(7, "Петров Пётр Петрович", "+77011112233"),
        _person(9, "Ким Александр", "+49301234567", "1985-12-01"),
        _person(11, "Омарова Динара", None, "1988-03-04"),
        _person(13, "Нұрланова Мадина", "+77172543210", "1990-03-05"),
        _person(15, "Смагулов Ерлан", None, "1990-03-05"),
    ]
    assert out["rejected"] == [{"row": 10, "fields": ["full_name"]}]  # '?' where cp1251 lost a letter
    assert out["warnings"] == [
        {"row": 7, "field": "birth_date"},  # 31.02: left empty, never rolled over
        {"row": 7, "field": "phone"},  # two numbers: the first kept
        {"row": 9, "field": "full_name"},  # a Latin A corrected
        {"row": 9, "field": "iin"},  # a wrong check digit: left empty
        {"row": 9, "field": "phone"},  # a foreign number
        {"row": 11, "field": "phone"},  # garbage
        {"row": 11, "field": "email"},
    ]
    assert out["duplicate_pairs"] == [[6, 12], [15, 16]]  # the same IIN; the same name and birth date
    assert out["held"] == [{"row": 12, "with": [{"row": 6}]}, {"row": 16, "with": [{"row": 15}]}]
    assert out["skipped_totals_rows"] == [17]  # «Итого:» with a formula, never imported
    assert out["counts"] == {
        "rows": 10,
        "import": 7,
        "with_warnings": 3,
        "held": 2,
        "reject": 1,
        "totals_rows": 1,
    }
    assert store.pending_count() == 0  # a dry run writes nothing


def test_a_dry_run_says_why_in_the_users_language(store, clock, tmp_path, lang):
    lang("ru")
    plan = importing.dry_run(store, messy.volunteers_xlsx(tmp_path / "v.xlsx"), "volunteers")
    row7 = next(r for r in plan.rows if r.row == 7)
    assert "31.02.1985" in row7.warnings[0].message and "Дата рождения" in row7.warnings[0].message
    lang("kk")
    assert "Туған күні" in row7.warnings[0].message


def test_the_import_writes_through_the_person_path_in_one_transaction(store, clock, tmp_path):
    store.actor = STAFF
    plan = importing.dry_run(store, messy.volunteers_xlsx(tmp_path / "v.xlsx"), "volunteers")
    result = importing.commit(store, plan)
    assert sorted(result.created) == [5, 6, 7, 9, 11, 13, 15]
    assert sorted(result.held) == [12, 16]
    names = [
        people.full_name(p) for p in store.rows("SELECT * FROM people WHERE deleted = 0 ORDER BY name_sort")
    ]
    assert names == sorted(names, key=lambda n: n) or len(names) == 7
    assert store.scalar("SELECT count(*) FROM volunteers WHERE deleted = 0") == 7
    aigul = store.get("people", result.created[5])
    assert (aigul["surname"], aigul["name"], aigul["iin"], aigul["languages"]) == (
        "Иванова",
        "Айгүл",
        messy.IIN_A,
        '["kk", "ru"]',
    )
    volunteer = store.one("SELECT * FROM volunteers WHERE person_id = ?", (result.created[5],))
    assert volunteer["since"] == "2023-09-01" and volunteer["kiosk_code"]
    since_year = store.one("SELECT since FROM volunteers WHERE person_id = ?", (result.created[6],))
    assert since_year["since"] == "2022-01-01"
    outbox = store.rows("SELECT table_name, author FROM outbox")
    assert {r["table_name"] for r in outbox} >= {"people", "volunteers"}
    assert {r["author"] for r in outbox} == {f"acc-staff@{store.device_id}"}
    entry = store.one("SELECT * FROM audit_log WHERE action = 'import'")
    assert entry["actor"] == f"acc-staff@{store.device_id}"
    assert json.loads(entry["details"])["records"] == result.records == len(outbox)


def test_a_duplicate_pair_is_imported_only_when_a_person_says_they_differ(store, clock, tmp_path):
    plan = importing.dry_run(store, messy.volunteers_xlsx(tmp_path / "v.xlsx"), "volunteers")
    result = importing.commit(store, plan, decisions={16: "different", 12: "different"})
    assert 16 in result.created  # same name and birth date, but said to be someone else
    assert 12 in result.held  # the same IIN is never a different person (people.SameIinError)
    distinct = store.rows("SELECT person_a, person_b FROM people_distinct")
    assert {frozenset((d["person_a"], d["person_b"])) for d in distinct} == {
        frozenset((result.created[15], result.created[16]))
    }


def test_people_on_file_are_found_and_never_merged(store, clock, tmp_path):
    on_file = people.create_person(
        store, {"surname": "Иванова", "name": "Айгүл", "iin": messy.IIN_A}, today=app_clock.today()
    )
    plan = importing.dry_run(store, messy.volunteers_xlsx(tmp_path / "v.xlsx"), "volunteers")
    out = importing.as_json(plan)
    assert {"row": 5, "person_id": on_file, "reason": "iin"} in out["duplicates_on_file"]
    assert 5 not in [r["row"] for r in out["imported"]]
    result = importing.commit(store, plan)
    assert 5 in result.held
    assert store.scalar("SELECT count(*) FROM people WHERE iin = ?", (messy.IIN_A,)) == 1
    assert store.get("people", on_file)["surname"] == "Иванова"


def test_cancelling_writes_nothing(store, clock, tmp_path):
    plan = importing.dry_run(store, messy.big_volunteers_xlsx(tmp_path / "big.xlsx", 120), "volunteers")

    def progress(done, total):
        if done >= 100:
            raise importing.ImportCancelled()

    with pytest.raises(importing.ImportCancelled):
        importing.commit(store, plan, progress=progress)
    assert store.scalar("SELECT count(*) FROM people") == 0 and store.pending_count() == 0
    assert importing.imports(store) == []
    with pytest.raises(importing.ImportCancelled):
        importing.commit(store, plan, cancel=lambda: True)
    assert store.scalar("SELECT count(*) FROM people") == 0


def test_only_a_role_that_may_change_records_imports(store, clock, tmp_path):
    plan = importing.dry_run(store, messy.volunteers_xlsx(tmp_path / "v.xlsx"), "volunteers")
    store.actor = roles.actor_for("acc-v", "Volunteer", roles.VOLUNTEER)
    with pytest.raises(PermissionDenied):
        importing.commit(store, plan)
    with pytest.raises(PermissionDenied):
        importing.dry_run(store, plan.path, "volunteers")
    assert store.pending_count() == 0


def test_undo_tombstones_what_the_import_created(store, clock, tmp_path):
    plan = importing.dry_run(store, messy.volunteers_xlsx(tmp_path / "v.xlsx"), "volunteers")
    result = importing.commit(store, plan)
    assert importing.undo(store, result.import_id) == result.records
    assert store.scalar("SELECT count(*) FROM people WHERE deleted = 0") == 0
    assert store.scalar("SELECT count(*) FROM volunteers WHERE deleted = 0") == 0
    assert importing.imports(store)[0]["undone"] is True
    with pytest.raises(UndoRefused) as caught:
        importing.undo(store, result.import_id)
    assert caught.value.kind == "undone"


def test_undo_is_refused_while_something_made_since_refers_to_it(store, clock, tmp_path):
    plan = importing.dry_run(store, messy.volunteers_xlsx(tmp_path / "v.xlsx"), "volunteers")
    result = importing.commit(store, plan)
    volunteer_id = store.scalar("SELECT id FROM volunteers WHERE person_id = ?", (result.created[5],))
    volunteers.arrive(store, volunteer_id, app_clock.now())
    pending = store.pending_count()
    with pytest.raises(UndoRefused) as caught:
        importing.undo(store, result.import_id)
    assert caught.value.kind == "referred" and "1" in caught.value.message
    assert store.pending_count() == pending
    assert store.scalar("SELECT count(*) FROM people WHERE deleted = 0") == 7


def test_members_join_their_groups_and_a_minors_consent_is_never_assumed(store, clock, tmp_path):
    path = messy.members_csv(tmp_path / "members.csv")
    plan = importing.dry_run(store, path, "members")
    out = importing.as_json(plan)
    assert plan.sheet.encoding == "utf-8-sig" and plan.sheet.delimiter == ";"
    assert [r["row"] for r in out["imported"]] == [5, 6]
    assert out["imported"][1] == _person(6, "Ли Виктор", None, "2012-10-10")
    # Row 3: "да" but no date; row 4: a minor and nothing stated.
    assert out["rejected"] == [
        {"row": 3, "fields": ["guardian_consent"]},
        {"row": 4, "fields": ["guardian_consent"]},
    ]
    result = importing.commit(store, plan)
    groups = {g["name"]: g["id"] for g in store.rows("SELECT * FROM creative_groups WHERE deleted = 0")}
    assert set(groups) == {"«Шаттық»", "Дружба"}
    member = store.one("SELECT * FROM group_members WHERE person_id = ?", (result.created[6],))
    assert member["group_id"] == groups["Дружба"]
    assert (member["guardian_name"], member["guardian_consent_on"]) == ("Ли Ольга", "2025-09-01")
    consent = store.one("SELECT * FROM consents WHERE person_id = ?", (result.created[6],))
    assert consent["by_guardian"] == 1 and consent["given_on"] == "2025-09-01"
    assert importing.undo(store, result.import_id) == result.records
    assert store.scalar("SELECT count(*) FROM creative_groups WHERE deleted = 0") == 0


def test_past_events_with_their_attendance(store, clock, tmp_path):
    plan = importing.dry_run(store, messy.events_xlsx(tmp_path / "events.xlsx"), "events")
    out = importing.as_json(plan)
    assert out["imported"] == [
        {"row": 2, "name": "Наурыз мейрамы"},
        {"row": 3, "name": "День единства народов Казахстана"},
    ]
    assert out["rejected"] == [
        {"row": 4, "fields": ["date"]},
        {"row": 5, "fields": ["date"]},
    ]  # 30.02; future
    assert out["skipped_totals_rows"] == [6]
    result = importing.commit(store, plan)
    nauryz = store.get("events", result.created[2])
    assert (nauryz["title_kk"], nauryz["title_ru"], nauryz["status"]) == ("Наурыз мейрамы", "", "held")
    assert nauryz["starts_at"].startswith("2026-03-21")
    heads = store.one("SELECT * FROM event_attendance WHERE event_id = ?", (result.created[2],))
    assert (heads["total"], heads["women"], heads["men"]) == (120, 70, 50)


def test_the_aid_item_catalogue(store, clock, tmp_path):
    plan = importing.dry_run(store, messy.items_csv(tmp_path / "items.csv"), "items")
    assert plan.sheet.delimiter == ","
    out = importing.as_json(plan)
    assert [r["row"] for r in out["imported"]] == [2, 3, 5]
    assert out["warnings"] == [{"row": 5, "field": "unit"}]  # «бочка» is no unit of the list
    result = importing.commit(store, plan)
    flour = store.get("aid_items", result.created[2])
    assert (flour["name_kk"], flour["name_ru"], flour["unit"], flour["item_group"]) == (
        "Ұн",
        "Мука",
        "kg",
        "food",
    )
    assert store.get("aid_items", result.created[3])["item_group"] == "school_kit"


def test_recipients_need_a_stated_consent(store, clock, tmp_path):
    plan = importing.dry_run(store, messy.recipients_xlsx(tmp_path / "r.xlsx"), "recipients")
    out = importing.as_json(plan)
    assert out["imported"] == [_person(2, "Серікова Күләш", None, "1940-03-12")]
    assert out["rejected"] == [{"row": 3, "fields": ["consent_on"]}]
    assert out["warnings"] == [{"row": 2, "field": "programme"}]
    result = importing.commit(store, plan)
    recipient = store.one("SELECT * FROM recipients WHERE person_id = ?", (result.created[2],))
    assert json.loads(recipient["categories"]) == ["veteran"]
    household = store.get("households", recipient["household_id"])
    assert (household["members_count"], household["children_count"]) == (2, 0)
    assert store.one("SELECT given_on FROM consents WHERE person_id = ?", (result.created[2],))[
        "given_on"
    ] == ("2026-01-10")


@pytest.mark.parametrize(
    ("encoding", "delimiter", "newline"),
    [("utf-8", ";", "\n"), ("utf-8-sig", ",", "\r\n"), ("utf-8", ",", "\n"), ("utf-8-sig", ";", "\r\n")],
)
def test_csv_in_every_encoding_delimiter_and_line_end(store, clock, tmp_path, encoding, delimiter, newline):
    path = messy.members_csv(tmp_path / "m.csv", encoding, delimiter, newline)
    plan = importing.dry_run(store, path, "members")
    assert plan.sheet.delimiter == delimiter
    assert [r["row"] for r in importing.as_json(plan)["imported"]] == [5, 6]


def test_a_cp1251_csv_is_read_and_its_lost_letters_flagged(store, clock, tmp_path):
    plan = importing.dry_run(store, messy.cp1251_csv(tmp_path / "c.csv"), "volunteers")
    out = importing.as_json(plan)
    assert plan.sheet.encoding == "cp1251" and plan.sheet.delimiter == ";"
    assert out["imported"] == [_person(2, "Иванов Иван Иванович", "+77011234567", "1980-02-01")]
    assert out["rejected"] == [{"row": 3, "fields": ["full_name"]}, {"row": 4, "fields": ["full_name"]}]
    forced = importing.dry_run(store, plan.path, "volunteers", encoding="cp1251", delimiter=";")
    assert len(forced.rows) == 3


def test_the_header_row_and_the_mapping_can_be_overridden(store, clock, tmp_path):
    path = messy.volunteers_xlsx(tmp_path / "v.xlsx")
    plan = importing.dry_run(store, path, "volunteers", header_row=4, mapping={1: "full_name"})
    row5 = importing.as_json(plan)["imported"][0]
    assert row5 == _person(5, "Иванова Айгүл Сериковна")  # only the name column mapped


def _bad(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [
        (
            "protected.xlsx",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 200 + "EncryptedPackage".encode("utf-16-le"),
            "protected",
        ),
        (
            "old.xls",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 500,
            "corrupt",
        ),  # an OLE2 header, no workbook
        ("broken.xlsx", b"PK\x03\x04" + os.urandom(300), "corrupt"),
        ("noise.xlsx", os.urandom(300).replace(b"PK", b"pk"), "corrupt"),
        ("empty.csv", b"", "empty"),
        ("blank.csv", b";;;\r\n;;\r\n", "empty"),
        ("no_header.csv", "Размер;Цвет\r\n42;синий\r\n".encode(), "no_header"),
    ],
)
def test_bad_files_are_refused_with_a_translated_message_and_nothing_written(
    store, clock, tmp_path, lang, name, data, kind
):
    path = _bad(tmp_path / name, data)
    lang("ru")
    with pytest.raises(ImportFileError) as caught:
        importing.dry_run(store, path, "volunteers")
    assert caught.value.kind == kind
    ru = caught.value.message
    lang("kk")
    assert caught.value.message != ru and name in ru
    assert store.pending_count() == 0


def test_a_file_over_50_mb_is_refused_before_it_is_read(store, clock, tmp_path):
    path = tmp_path / "huge.xlsx"
    with open(path, "wb") as fh:
        fh.truncate(importing.MAX_BYTES + 1)  # sparse: nothing to read would finish quickly if it were read
    with pytest.raises(ImportFileError) as caught:
        importing.dry_run(store, path, "volunteers")
    assert caught.value.kind == "too_big"


def test_a_named_sheet_and_a_missing_one(store, clock, tmp_path):
    path = messy.volunteers_xlsx(tmp_path / "v.xlsx")
    assert importing.dry_run(store, path, "volunteers", sheet="Волонтеры").sheet.sheet_names == [
        "Волонтеры",
        "Справочник",
    ]
    with pytest.raises(ImportFileError) as caught:
        importing.dry_run(store, path, "volunteers", sheet="Нет такого")
    assert caught.value.kind == "no_sheet"
    with pytest.raises(ImportFileError) as caught:
        importing.dry_run(store, path, "volunteers", sheet="Справочник")
    assert caught.value.kind == "no_header"


def test_the_report_lists_every_row_as_text(store, clock, tmp_path):
    plan = importing.dry_run(store, messy.volunteers_xlsx(tmp_path / "v.xlsx"), "volunteers")
    result = importing.commit(store, plan)
    path = importing.write_report(plan, result, tmp_path / "report.xlsx")
    rows = list(openpyxl.load_workbook(path).active.iter_rows(values_only=True))
    assert rows[0] == ("Row", "Outcome", "Name", "Field", "Message")
    by_row = {}
    for r in rows[1:]:
        by_row.setdefault(r[0], []).append(r)
    assert by_row[5][0][1:3] == ("Imported", "Иванова Айгүл Сериковна")
    assert by_row[10][0][1] == "Not imported" and "'?'" in by_row[10][0][4]
    assert by_row[12][0][1] == "Held: may be a duplicate"
    assert [r[3] for r in by_row[7]] == ["Birth date", "Phone"]


def _cli(*args: str, db: Path) -> subprocess.CompletedProcess:
    code = (
        "import sys; from ui.app import main; rc = main(sys.argv[1:]); "
        "assert not any(m.startswith('PySide6') for m in sys.modules), 'Qt was loaded'; sys.exit(rc)"
    )
    env = dict(os.environ)
    return subprocess.run(
        [sys.executable, "-c", code, "import", *args, "--db", str(db)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_the_command_line_dry_run_prints_the_json_without_starting_qt(tmp_path):
    path = messy.volunteers_xlsx(tmp_path / "v.xlsx")
    db = tmp_path / "house.sqlite"
    done = _cli(str(path), "--kind", "volunteers", "--dry-run", "--json", db=db)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["imported"][0] == _person(
        5, "Иванова Айгүл Сериковна", "+77011234567", "1990-03-05", messy.IIN_A, "aigul@example.kz"
    )
    assert out["rejected"] == [{"row": 10, "fields": ["full_name"]}]
    assert out["duplicate_pairs"] == [[6, 12], [15, 16]]
    done = _cli(str(path), "--kind", "volunteers", "--json", db=db)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["import_id"]
    from desktop.store import Store

    store = Store(db)
    assert store.scalar("SELECT count(*) FROM people WHERE deleted = 0") == 7
    store.close()
    bad = _cli(str(tmp_path / "missing.xlsx"), "--kind", "volunteers", "--lang", "ru", db=db)
    assert bad.returncode == 1 and "missing.xlsx" in bad.stderr and "Traceback" not in bad.stderr


def test_the_command_line_undoes_an_import(tmp_path):
    path = messy.events_xlsx(tmp_path / "events.xlsx")
    db = tmp_path / "house.sqlite"
    done = _cli(str(path), "--kind", "events", "--json", db=db)
    import_id = json.loads(done.stdout)["import_id"]
    undone = _cli("--undo", import_id, "--json", db=db)
    assert undone.returncode == 0, undone.stderr
    assert json.loads(undone.stdout) == {"undone": 4}  # two events and their two headcounts
    again = _cli("--undo", import_id, "--lang", "ru", db=db)
    assert again.returncode == 1 and "уже отменён" in again.stderr
    assert _cli("--dry-run", db=db).returncode == 2  # neither a file nor --undo


def test_a_group_name_merged_down_over_its_members(store, clock, tmp_path):
    plan = importing.dry_run(store, messy.members_xlsx(tmp_path / "members.xlsx"), "members")
    assert importing.as_json(plan)["rejected"] == []
    result = importing.commit(store, plan)
    group = store.one("SELECT id FROM creative_groups WHERE name = 'Ансамбль «Айгөлек»'")
    members = store.rows("SELECT person_id, joined FROM group_members WHERE group_id = ?", (group["id"],))
    assert sorted(m["person_id"] for m in members) == sorted(result.created.values())
    assert {m["joined"] for m in members} == {"2024-09-01"}


def test_a_csv_saved_by_excel_with_exponent_iins_and_a_future_birth_date(store, clock, tmp_path):
    exponent = f"{messy.IIN_A[0]},{messy.IIN_A[1:]}E+11"  # Excel's "9,00305400111E+11" with a decimal comma
    lines = [
        "Тегі;Аты;Әкесінің аты;Туған күні;ЖСН;Телефон",
        f'Серикова;Айгүл;;05.03.1990;"{exponent}";+7 701 123 45 67',
        f"Сейітов;Нұрлан;;09.07.2004;{int(messy.IIN_B)};",  # 11 digits: the leading 0 lost
        "Future;Person;;01.01.2030;;",
        "Serikova;Aigul;;;;",  # Latin script, kept as written
    ]
    path = tmp_path / "excel.csv"
    path.write_bytes("\r\n".join(lines).encode("utf-8"))
    out = importing.as_json(importing.dry_run(store, path, "volunteers"))
    assert out["imported"] == [
        _person(2, "Серикова Айгүл", "+77011234567", "1990-03-05", messy.IIN_A),
        _person(3, "Сейітов Нұрлан", None, "2004-07-09", messy.IIN_B),
        _person(4, "Future Person"),
        _person(5, "Serikova Aigul"),
    ]
    assert out["warnings"] == [{"row": 2, "field": "iin"}, {"row": 4, "field": "birth_date"}]


def test_the_mapping_chosen_for_a_layout_is_remembered_for_the_next_file_like_it(store, clock, tmp_path):
    first = messy.volunteers_xlsx(tmp_path / "first.xlsx")
    guessed = importing.dry_run(store, first, "volunteers").layout.mapping
    chosen = {i: f for i, f in guessed.items() if f != "email"}  # the user left the e-mail column out
    importing.commit(store, importing.dry_run(store, first, "volunteers", mapping=chosen))
    second = messy.volunteers_xlsx(tmp_path / "second.xlsx")
    again = importing.dry_run(store, second, "volunteers")
    assert again.layout.mapping == chosen
    row5 = next(r for r in again.rows if r.row == 5)
    assert (
        row5.clean["email"] is None and row5.clean["iin"] == messy.IIN_A
    )  # the e-mail column left out again
    other = importing.dry_run(store, messy.cp1251_csv(tmp_path / "other.csv"), "volunteers")
    assert "email" not in other.layout.mapping.values() and other.layout.mapping != chosen


def test_undo_is_refused_when_someone_was_merged_into_an_imported_person(store, clock, tmp_path):
    plan = importing.dry_run(store, messy.volunteers_xlsx(tmp_path / "v.xlsx"), "volunteers")
    result = importing.commit(store, plan)
    other = people.create_person(store, {"surname": "Иванова", "name": "Айгуль"}, today=app_clock.today())
    store.update("people", other, {"merged_into": result.created[5]})  # what a merge leaves on the one merged
    store.delete("people", other)
    with pytest.raises(UndoRefused) as caught:
        importing.undo(store, result.import_id)
    assert caught.value.kind == "referred"
