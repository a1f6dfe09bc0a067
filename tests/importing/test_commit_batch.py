"""The import writes in one batch (Store.batched): every row's outbox and audit entries are written together at
the end, exactly as one by one; a row refused when written leaves neither its rows nor its entries; and the
person path takes the dry run's validated values through its typed entry point (people.save_validated_person)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from desktop import clock as app_clock
from desktop import importing, people, roles
from desktop.errors import ValidationErrors
from tests.importing import messy

STAFF = roles.actor_for("acc-staff", "Staff", roles.STAFF)


def test_a_batch_writes_the_entries_of_its_writes_at_its_end(store):
    with store.transaction():
        with store.batched():
            first = store.insert("skills", {"name_kk": "Ән", "name_ru": "Пение"})
            assert store.pending_count() == 0  # kept in memory until the batch ends
            with pytest.raises(RuntimeError), store.transaction():
                store.insert("skills", {"name_kk": "Би", "name_ru": "Танцы"})
                raise RuntimeError("refused")
            store.update("skills", first, {"name_ru": "Вокал"})
            store.audit("note", details={"n": 1})
        outbox = store.rows("SELECT table_name, row_id, kind, fields FROM outbox ORDER BY seq")
    assert [(o["row_id"], o["kind"]) for o in outbox] == [(first, "insert"), (first, "update")]
    assert json.loads(outbox[1]["fields"]) == {"name_ru": "Вокал"}
    assert store.scalar("SELECT count(*) FROM skills WHERE name_kk = 'Би'") == 0  # rolled back: nothing left
    audit = [(a["action"], a["row_id"]) for a in store.rows("SELECT * FROM audit_log ORDER BY rowid")]
    assert audit == [("insert", first), ("update", first), ("note", None)]
    assert store.get_meta("hlc_last") == store.get("skills", first)["hlc"]


def test_a_batch_that_fails_writes_nothing(store):
    with pytest.raises(RuntimeError), store.batched():
        store.insert("skills", {"name_kk": "Ән"})
        raise RuntimeError("stop")
    assert (
        store.scalar("SELECT count(*) FROM skills WHERE name_kk = 'Ән'") == 0 and store.pending_count() == 0
    )
    assert store.scalar("SELECT count(*) FROM audit_log") == 0
    store.insert("skills", {"name_kk": "Би"})  # after the batch, writes log at once again
    assert store.pending_count() == 1


def test_the_person_path_takes_only_what_validate_person_returned(store, clock):
    today = app_clock.today()
    with pytest.raises(TypeError):
        people.save_validated_person(store, {"surname": "Ким", "name": "Ольга"}, today=today)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        people.save_validated_person(store, people.CleanPerson({"surname": "Ким"}), today=today)
    checked = people.validate_person({"surname": "Ким", "name": "Ольга", "birth_date": "20.11.2026"}, today)
    # Checked against another day, the values are checked again: the birth date is then in the future.
    with pytest.raises(ValidationErrors) as caught:
        people.save_validated_person(store, checked, today=today - dt.timedelta(days=1))
    assert [e.field for e in caught.value.errors] == ["birth_date"]
    person_id = people.save_validated_person(store, checked, today=today)
    assert store.get("people", person_id)["birth_date"] == "2026-11-20"
    with pytest.raises(people.DuplicatesFound):  # the duplicate rule is save_person's own
        people.save_validated_person(store, checked, today=today)


def test_the_import_does_not_parse_the_people_again(store, clock, tmp_path, monkeypatch):
    plan = importing.dry_run(store, messy.volunteers_xlsx(tmp_path / "v.xlsx"), "volunteers")
    assert all(r.person is not None and r.person.values is r.clean for r in plan.rows if r.status == "import")

    def refuse(*_a, **_k):
        raise AssertionError("validated again")

    monkeypatch.setattr(people, "validate_person", refuse)
    result = importing.commit(store, plan)
    assert sorted(result.created) == [5, 6, 7, 9, 11, 13, 15]


def test_a_row_refused_when_written_leaves_no_entries(store, clock, tmp_path):
    store.actor = STAFF
    plan = importing.dry_run(store, messy.volunteers_xlsx(tmp_path / "v.xlsx"), "volunteers")
    # Someone with row 5's IIN is recorded after the dry run: the import holds that row when it writes.
    on_file = people.create_person(
        store, {"surname": "Басқа", "name": "Адам", "iin": messy.IIN_A}, today=app_clock.today()
    )
    before = store.pending_count()
    result = importing.commit(store, plan)
    assert 5 in result.held and 5 not in result.created
    made = store.rows("SELECT table_name, row_id, author FROM outbox ORDER BY seq")[before:]
    assert len(made) == result.records == 2 * len(result.created)  # a person and a volunteer a row
    assert {m["row_id"] for m in made if m["table_name"] == "people"} == set(result.created.values())
    assert {m["author"] for m in made} == {f"acc-staff@{store.device_id}"}
    audited = store.rows(
        "SELECT row_id, actor FROM audit_log WHERE action = 'insert' AND table_name = 'people'"
    )
    assert {a["row_id"] for a in audited} == {on_file, *result.created.values()}
    assert {a["actor"] for a in audited} == {f"acc-staff@{store.device_id}"}
    assert store.scalar("SELECT count(*) FROM people WHERE iin = ?", (messy.IIN_A,)) == 1
    assert importing.undo(store, result.import_id) == result.records
    assert store.scalar("SELECT count(*) FROM people WHERE deleted = 0") == 1  # the one on file stays


def test_new_volunteers_get_distinct_kiosk_codes(store, clock, tmp_path):
    plan = importing.dry_run(store, messy.big_volunteers_xlsx(tmp_path / "big.xlsx", 300), "volunteers")
    importing.commit(store, plan)
    codes = [r["kiosk_code"] for r in store.rows("SELECT kiosk_code FROM volunteers WHERE deleted = 0")]
    assert len(codes) == 300 and len(set(codes)) == 300 and all(c[0] != "0" for c in codes)
