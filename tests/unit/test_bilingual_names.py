"""Aid points and creative groups named in Kazakh and in Russian: the one display helper, the forms' rules, every
place the names are read (lists, combos, the double-aid guard, stock, exports), and a database from before the two
names were kept."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest

from desktop import aid, bilingual, groups, list_export, schema, text
from desktop.aid import DonationEntry, Line, RecipientInput
from desktop.errors import ValidationError
from desktop.groups import GroupInput
from desktop.i18n import gettext_in
from desktop.store import Store

TODAY = dt.date(2026, 11, 20)
BOTH = {"name_kk": "Орталық қабылдау пункті", "name_ru": "Центральный пункт приёма"}


# ---- the helper -----------------------------------------------------------------------------------------------
def test_the_name_in_the_interface_language_falls_back_to_the_other(lang):
    row = {"name": "Шаттық", "name_kk": "Шаттық", "name_ru": "Шаттык"}
    lang("ru")
    assert bilingual.display_name(row) == "Шаттык"
    lang("kk")
    assert bilingual.display_name(row) == "Шаттық"
    assert bilingual.display_name(row, "ru") == "Шаттык"  # an export's language, whatever the screen's
    only_ru = {"name": "Хор", "name_kk": "", "name_ru": "Хор"}
    assert bilingual.display_name(only_ru, "kk") == "Хор"
    only_kk = {"name": "Әуен", "name_kk": "Әуен", "name_ru": ""}
    assert bilingual.display_name(only_kk, "ru") == "Әуен"
    joined = {"point": "Әуен", "point_kk": "Әуен", "point_ru": "Мелодия"}
    assert bilingual.display_name(joined, "ru", prefix="point") == "Мелодия"
    assert bilingual.display_name({"name": None, "name_kk": None, "name_ru": None}) == ""


def test_a_name_written_alone_by_an_older_pc_is_shown_until_the_record_is_saved_again():
    # the only name of a record from before both were kept
    legacy = {"name": "Көмек пункті", "name_kk": "", "name_ru": ""}
    assert bilingual.display_name(legacy, "ru") == "Көмек пункті"
    assert bilingual.form_names(legacy) == ("Көмек пункті", "")
    assert bilingual.form_names({"name": "Пункт выдачи", "name_kk": "", "name_ru": ""}) == (
        "",
        "Пункт выдачи",
    )
    # an older PC renamed a record that has both names: its edit is what every PC shows
    renamed = {"name": "Пункт №2", "name_kk": "Орталық пункт", "name_ru": "Центральный пункт"}
    assert bilingual.display_name(renamed, "kk") == bilingual.display_name(renamed, "ru") == "Пункт №2"
    assert bilingual.form_names(renamed) == ("Орталық пункт", "Пункт №2")
    assert bilingual.form_names(None) == ("", "")


def test_stored_names_need_one_name_and_keep_the_one_name_for_older_pcs():
    assert bilingual.stored_names(" Шаттық ", "", "f") == {
        "name": "Шаттық",
        "name_kk": "Шаттық",
        "name_ru": "",
    }
    assert bilingual.stored_names("", "Хор", "f") == {"name": "Хор", "name_kk": "", "name_ru": "Хор"}
    both = bilingual.stored_names("Әуен", "Мелодия", "f")
    assert both == {"name": "Әуен", "name_kk": "Әуен", "name_ru": "Мелодия"}
    assert bilingual.stored_names(None, None, "f", "Бірлік")["name_kk"] == "Бірлік"
    assert bilingual.stored_names(None, None, "f", "Дружба")["name_ru"] == "Дружба"
    with pytest.raises(ValidationError) as err:
        bilingual.stored_names("  ", "", "group_name", "  ")
    assert err.value.field == "group_name"
    assert err.value.message == "Enter a name in Kazakh or Russian (or both)."


# ---- aid points -----------------------------------------------------------------------------------------------
def _recipient(store) -> str:
    return aid.save_recipient(
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


def test_an_aid_point_is_shown_in_the_language_of_the_screen_everywhere(store, clock, lang):
    point = aid.save_aid_point(store, {**BOTH, "address": "Торайғыров к-сі, 64"})
    row = store.get("aid_points", point)
    assert (row["name"], row["name_kk"], row["name_ru"]) == (
        BOTH["name_kk"],
        BOTH["name_kk"],
        BOTH["name_ru"],
    )
    aid.save_donation(
        store, DonationEntry(TODAY, point, "anonymous", [Line("item-flour", 100, 15000)]), today=TODAY
    )
    recipient = _recipient(store)
    aid.save_aid(
        store, aid.AidEntry(TODAY, point, "qamqor", recipient, [Line("item-flour", 5)], "Әсел"), today=TODAY
    )
    for code, expected in (("ru", BOTH["name_ru"]), ("kk", BOTH["name_kk"])):
        lang(code)
        assert [aid.point_label(p) for p in aid.list_aid_points(store)] == [expected]
        assert aid.point_label(aid.list_aid(store)[0], prefix="point_name") == expected
        assert aid.point_label(aid.list_donations(store)[0], prefix="point_name") == expected
        assert {r.point_name for r in aid.stock_on_hand(store)} == {expected}
        breaches = aid.check_double_aid(store, "qamqor", recipient, TODAY)
        assert breaches and breaches[0].earlier[0].aid_point == expected
    # found by either name, typed on either keyboard
    assert store.scalar(
        "SELECT count(*) FROM aid_points WHERE name_loose LIKE ?", (f"%{text.loose('приём')}%",)
    )
    assert store.scalar(
        "SELECT count(*) FROM aid_points WHERE name_loose LIKE ?", (f"%{text.loose('қабылдау')}%",)
    )


def test_an_aid_point_without_a_name_in_either_language_is_refused_and_nothing_is_written(store):
    with pytest.raises(ValidationError) as err:
        aid.save_aid_point(store, {"name_kk": " ", "name_ru": "", "address": "Сәтбаев к-сі, 12"})
    assert err.value.field == "name_kk"
    assert err.value.message == "Enter a name in Kazakh or Russian (or both)."
    assert store.scalar("SELECT count(*) FROM aid_points") == 0
    point = aid.save_aid_point(store, {"name_kk": "", "name_ru": "Экибастузское отделение"})
    aid.save_aid_point(store, {"name_kk": "Екібастұз бөлімшесі", "name_ru": "Экибастузское отделение"}, point)
    assert aid.point_label(store.get("aid_points", point), "kk") == "Екібастұз бөлімшесі"


def test_exports_name_points_in_the_export_language(store, clock, tmp_path, lang):
    point = aid.save_aid_point(store, dict(BOTH))
    aid.save_donation(
        store, DonationEntry(TODAY, point, "anonymous", [Line("item-flour", 100, 15000)]), today=TODAY
    )
    aid.save_aid(
        store,
        aid.AidEntry(TODAY, point, "qamqor", _recipient(store), [Line("item-flour", 5)], ""),
        today=TODAY,
    )
    lang("kk")
    for kind in ("donations", "aid"):
        headers, rows = list_export.table(store, kind, lang="ru")
        assert rows[0][headers.index(gettext_in("ru", "Aid point"))] == BOTH["name_ru"], kind
        headers, rows = list_export.table(store, kind, lang="kk")
        assert rows[0][headers.index(gettext_in("kk", "Aid point"))] == BOTH["name_kk"], kind


# ---- creative groups ------------------------------------------------------------------------------------------
def test_a_group_keeps_both_names_and_is_listed_found_and_picked_in_the_screens_language(store, lang):
    group_id = groups.save_group(
        store, GroupInput(name_kk="«Достық» хоры", name_ru="Хор «Дружба»", genre="choir"), today=TODAY
    )
    other = groups.save_group(store, GroupInput(name_ru="Ансамбль «Калина»"), today=TODAY)
    data = groups.get_group(store, group_id)
    assert (data.name_kk, data.name_ru) == ("«Достық» хоры", "Хор «Дружба»")
    lang("ru")
    assert dict(groups.group_names(store))[group_id] == "Хор «Дружба»"
    assert groups.group_label(groups.group_overview(store, group_id)) == "Хор «Дружба»"
    lang("kk")
    assert dict(groups.group_names(store)) == {group_id: "«Достық» хоры", other: "Ансамбль «Калина»"}
    listed = {r["id"]: groups.group_label(r) for r in groups.list_groups(store)}
    assert listed == {group_id: "«Достық» хоры", other: "Ансамбль «Калина»"}
    # the search finds a group by its name in either language
    assert [r["id"] for r in groups.list_groups(store, "дружба")] == [group_id]
    assert [r["id"] for r in groups.list_groups(store, "достық")] == [group_id]
    headers, rows = list_export.table(store, "groups", lang="ru")
    assert {r[headers.index(gettext_in("ru", "Name"))] for r in rows} == {"Хор «Дружба»", "Ансамбль «Калина»"}


def test_the_member_list_names_the_group_in_the_export_language(store, lang):
    person = store.insert("people", {"surname": "Ким", "name": "Елена", "birth_date": "1990-01-01"})
    groups.save_group(
        store,
        GroupInput(
            name_kk="«Ариран» ансамблі", name_ru="Ансамбль «Ариран»", members=[groups.MemberInput(person)]
        ),
        today=TODAY,
    )
    lang("kk")
    headers, rows = list_export.table(store, "members", lang="ru")
    assert rows[0][headers.index(gettext_in("ru", "Creative group"))] == "Ансамбль «Ариран»"
    headers, rows = list_export.table(store, "members", lang="kk")
    assert rows[0][headers.index(gettext_in("kk", "Creative group"))] == "«Ариран» ансамблі"


# ---- a database from before ------------------------------------------------------------------------------------
def test_a_database_from_before_the_two_names_gets_them_and_keeps_its_names(tmp_path, lang):
    """Aid points and groups written by the schema before the migration (one `name`) open with the two columns
    empty: each is shown by its one name in both languages, found by it, and put in the field of its language on a
    form; saved with two names, it shows each in its language."""
    path = tmp_path / "old.sqlite"
    conn = sqlite3.connect(path, isolation_level=None)
    before = schema.MIGRATIONS.index(bilingual.migration_7_bilingual_names)
    for migration in schema.MIGRATIONS[:before]:
        migration(conn)
    conn.execute(f"PRAGMA user_version = {before}")
    for table, row_id, name in (
        ("aid_points", "pt1", "Орталық пункт"),
        ("creative_groups", "g1", "Хор «Дружба»"),
    ):
        assert "name_kk" not in {c[1] for c in conn.execute(f"PRAGMA table_info({table})")}
        conn.execute(
            f"INSERT INTO {table} (id, hlc, created_at, updated_at, name, name_fold, name_loose, name_sort, "
            "search_text) VALUES (?, '0', '2026-01-01', '2026-01-01', ?, ?, ?, ?, ?)",
            (row_id, name, text.fold(name), text.loose(name), text.sort_key(name), text.fold(name)),
        )
    conn.close()
    store = Store(path)
    try:
        assert store.scalar("PRAGMA user_version") == schema.SCHEMA_VERSION
        point = store.get("aid_points", "pt1")
        assert (point["name_kk"], point["name_ru"]) == ("", "")
        for code in ("kk", "ru"):
            lang(code)
            assert [aid.point_label(p) for p in aid.list_aid_points(store)] == ["Орталық пункт"]
            assert dict(groups.group_names(store)) == {"g1": "Хор «Дружба»"}
        assert [r["id"] for r in groups.list_groups(store, "дружба")] == ["g1"]
        assert bilingual.form_names(point) == ("Орталық пункт", "")
        data = groups.get_group(store, "g1")
        assert (data.name_kk, data.name_ru) == ("", "Хор «Дружба»")

        data.name_kk = "«Достық» хоры"
        groups.save_group(store, data, "g1", today=TODAY)
        lang("kk")
        assert dict(groups.group_names(store)) == {"g1": "«Достық» хоры"}
        lang("ru")
        assert dict(groups.group_names(store)) == {"g1": "Хор «Дружба»"}
        assert store.get("creative_groups", "g1")["name"] == "«Достық» хоры"  # what an older PC shows
    finally:
        store.close()


def test_a_new_database_has_the_two_names_from_the_start(store):
    for table in bilingual.TABLES:
        columns = {r["name"] for r in store.rows(f"PRAGMA table_info({table})")}
        assert {"name", "name_kk", "name_ru"} <= columns
