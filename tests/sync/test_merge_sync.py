"""A merge of two people syncs through a real server, and is safe against a second PC that edits the merged
person or gives them aid meanwhile: the edit shows as a conflict in Needs review, the aid ends on the survivor."""

from __future__ import annotations

from desktop import people_merge
from sync import conflicts


def test_a_merge_on_one_pc_while_another_edits_and_gives_aid(make_client):
    a, ca = make_client()
    b, cb = make_client()
    survivor = a.insert("people", {"surname": "Омаров", "name": "Болат", "phone": "+77011112233"})
    other = a.insert("people", {"surname": "Омаров", "name": "Болат", "notes": "ескі жазба"})
    kept_recipient = a.insert("recipients", {"person_id": survivor})
    other_recipient = a.insert("recipients", {"person_id": other})
    old_aid = a.insert(
        "aid_given", {"given_on": "2026-11-02", "programme": "food", "recipient_id": other_recipient}
    )
    ca.sync(), cb.sync()
    assert b.get("recipients", other_recipient) is not None

    # PC A merges; meanwhile PC B (not yet synced) edits the other person and gives aid to their record.
    people_merge.merge_people(a, survivor, other, {"notes": "other"})
    b.update("people", other, {"phone": "+77025550000"})
    late_aid = b.insert(
        "aid_given", {"given_on": "2026-11-20", "programme": "food", "recipient_id": other_recipient}
    )
    late_consent = b.insert("consents", {"person_id": other, "given_on": "2026-11-20"})

    ca.sync(), cb.sync(), ca.sync(), cb.sync()

    for store in (a, b):
        assert store.get("people", other) is None  # merged: tombstoned on both PCs
        assert store.get("people", other, include_deleted=True)["merged_into"] == survivor
        assert store.get("people", survivor)["notes"] == "ескі жазба"
        # every aid entry, the old one and the one given on B meanwhile, is the survivor's
        for aid_id in (old_aid, late_aid):
            assert store.get("aid_given", aid_id)["recipient_id"] == kept_recipient, aid_id
        assert store.get("consents", late_consent)["person_id"] == survivor
        assert store.get("recipients", other_recipient) is None
        assert store.pending_count() == 0
    # nothing lost: B's edit of the merged person is in Needs review on both PCs
    for store in (a, b):
        found = [c for c in conflicts.open_conflicts(store) if c.row_id == other]
        assert found and found[0].is_delete and found[0].other_value == {"phone": "+77025550000"}
    # the two PCs hold the same rows
    for table in ("people", "recipients", "aid_given", "consents"):
        rows_a = a.rows(f"SELECT id, deleted, field_hlc FROM {table} ORDER BY id")
        assert rows_a == b.rows(f"SELECT id, deleted, field_hlc FROM {table} ORDER BY id"), table
