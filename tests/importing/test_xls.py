"""Legacy Excel 97–2003 (.xls) workbooks, generated with xlwt the way houses keep them, go through the same header
guess, mapping and dry run as XLSX; a protected or damaged .xls is refused with the same translated message."""

from __future__ import annotations

import json

import pytest

from desktop import importing
from desktop.importing import ImportFileError
from tests.importing import messy
from tests.importing.test_import import _cli, _person


def test_a_messy_xls_through_the_command_line_dry_run(tmp_path):
    path = messy.volunteers_xls(tmp_path / "volunteers.xls")
    done = _cli(str(path), "--kind", "volunteers", "--dry-run", "--json", db=tmp_path / "house.sqlite")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["imported"] == [
        _person(5, "Иванова Айгүл Сериковна", "+77011234567", "1990-03-05", messy.IIN_A, "aigul@example.kz"),
        # The IIN and the phone are Excel numbers (the IIN's leading 0 lost); the birth date a date cell.
        _person(6, "Сейітов Нұрлан", "+77021234567", "2004-07-09", messy.IIN_B),
        _person(7, "Петров Пётр Петрович", "+77011112233"),
        _person(9, "Ким Александр", "+49301234567", "1985-12-01"),
        _person(11, "Омарова Динара", None, "1988-03-04"),
        _person(13, "Нұрланова Мадина", "+77172543210", "1990-03-05"),  # a bare date serial
        _person(15, "Смагулов Ерлан", None, "1990-03-05"),
    ]
    assert out["rejected"] == [{"row": 10, "fields": ["full_name"]}]
    assert out["warnings"] == [
        {"row": 7, "field": "birth_date"},
        {"row": 7, "field": "phone"},
        {"row": 9, "field": "full_name"},
        {"row": 9, "field": "iin"},
        {"row": 9, "field": "phone"},
        {"row": 11, "field": "phone"},
        {"row": 11, "field": "email"},
    ]
    assert out["duplicate_pairs"] == [[6, 12], [15, 16]]
    assert out["skipped_totals_rows"] == [17]  # «Итого:» over a formula, never imported
    assert out["counts"]["rows"] == 10 and out["counts"]["import"] == 7


def test_an_xls_sheet_is_chosen_by_name(store, clock, tmp_path):
    path = messy.volunteers_xls(tmp_path / "v.xls")
    plan = importing.dry_run(store, path, "volunteers", sheet="Волонтеры")
    assert plan.sheet.sheet_names == ["Волонтеры", "Справочник"] and plan.layout.header_row == 4
    with pytest.raises(ImportFileError) as caught:
        importing.dry_run(store, path, "volunteers", sheet="Справочник")
    assert caught.value.kind == "no_header"
    with pytest.raises(ImportFileError) as caught:
        importing.dry_run(store, path, "volunteers", sheet="Нет такого")
    assert caught.value.kind == "no_sheet"


def test_an_xls_group_name_merged_down_over_its_members(store, clock, tmp_path):
    plan = importing.dry_run(store, messy.members_xls(tmp_path / "members.xls"), "members")
    assert [(r.row, r.extra["group"]) for r in plan.rows] == [
        (2, "Ансамбль «Айгөлек»"),
        (3, "Ансамбль «Айгөлек»"),
        (4, "Ансамбль «Айгөлек»"),
    ]
    result = importing.commit(store, plan)
    group = store.one("SELECT id FROM creative_groups WHERE name = 'Ансамбль «Айгөлек»'")
    members = store.rows("SELECT person_id FROM group_members WHERE group_id = ?", (group["id"],))
    assert sorted(m["person_id"] for m in members) == sorted(result.created.values())


def _truncated(tmp_path):
    data = messy.volunteers_xls(tmp_path / "whole.xls").read_bytes()
    path = tmp_path / "cut.xls"
    path.write_bytes(data[: len(data) // 3])
    return path


@pytest.mark.parametrize(
    ("make", "kind"),
    [
        (lambda tmp: messy.protected_xls(tmp / "secret.xls"), "protected"),
        (_truncated, "corrupt"),
    ],
)
def test_a_protected_or_damaged_xls_is_refused_in_the_users_language(
    store, clock, tmp_path, lang, make, kind
):
    path = make(tmp_path)
    lang("ru")
    with pytest.raises(ImportFileError) as caught:
        importing.dry_run(store, path, "volunteers")
    assert caught.value.kind == kind
    ru = caught.value.message
    assert path.name in ru
    lang("kk")
    assert caught.value.message != ru and path.name in caught.value.message
    assert store.pending_count() == 0
    done = _cli(str(path), "--kind", "volunteers", "--dry-run", "--lang", "ru", db=tmp_path / "cli.sqlite")
    assert done.returncode == 1 and ru in done.stderr and "Traceback" not in done.stderr
