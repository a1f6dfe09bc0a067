"""The Kazakh and Russian names of aid points and creative groups reach every PC of the house through a real server
(SQLite and PostgreSQL), and a PC not yet updated, which writes the one `name` only, still syncs with them."""

from __future__ import annotations

from desktop import aid, bilingual, groups
from desktop.groups import GroupInput
from tests.sync.conftest import HOUSE_A

# The aid point's fields as a PC from before the two names sends them (no name_kk, no name_ru).
OLD_POINT_FIELDS = {
    "name": "Екібастұз бөлімшесі",
    "address": "Сәтбаев к-сі, 12",
    "opening_hours": None,
    "contact_name": None,
    "contact_phone": None,
    "active": 1,
    "house_id": HOUSE_A,
}


def _op(op_id: str, kind: str, table: str, row_id: str, fields: dict, stamp: str) -> dict:
    return {"op_id": op_id, "table": table, "row_id": row_id, "kind": kind, "fields": fields, "hlc": stamp}


def test_both_names_reach_the_other_pc_and_an_edit_of_one_comes_back(make_client):
    a, ca = make_client()
    b, cb = make_client()
    point = aid.save_aid_point(a, {"name_kk": "Орталық пункт", "name_ru": "Центральный пункт"})
    group = groups.save_group(a, GroupInput(name_kk="«Достық» хоры", name_ru="Хор «Дружба»"))
    ca.sync(), cb.sync()

    row = b.get("aid_points", point)
    assert (row["name_kk"], row["name_ru"]) == ("Орталық пункт", "Центральный пункт")
    assert bilingual.display_name(row, "ru") == "Центральный пункт"
    assert dict(groups.group_names(b, "ru"))[group] == "Хор «Дружба»"
    assert dict(groups.group_names(b, "kk"))[group] == "«Достық» хоры"
    assert [r["id"] for r in groups.list_groups(b, "дружба")] == [group]  # B's search columns know both

    data = groups.get_group(b, group)
    data.name_ru = "Хор «Дружба народов»"
    groups.save_group(b, data, group)
    cb.sync(), ca.sync()
    assert dict(groups.group_names(a, "ru"))[group] == "Хор «Дружба народов»"
    assert dict(groups.group_names(a, "kk"))[group] == "«Достық» хоры"
    for store in (a, b):
        assert store.pending_count() == 0
        assert not store.rows("SELECT * FROM conflicts")


def test_a_pc_not_yet_updated_writes_the_one_name_and_every_pc_shows_it(make_client, server):
    a, ca = make_client(HOUSE_A)
    group = groups.save_group(a, GroupInput(name_kk="«Достық» хоры", name_ru="Хор «Дружба»"))
    ca.sync()
    old_ops = [
        _op("old-insert", "insert", "aid_points", "pt-old", OLD_POINT_FIELDS, a.clock.now()),
        _op("old-rename", "update", "creative_groups", group, {"name": "«Достық» ансамблі"}, a.clock.now()),
    ]
    answer = ca.transport.post("/v1/sync", dict(ca.build_request(), ops=old_ops))
    assert answer["acks"] == {"old-insert": "applied", "old-rename": "applied"}

    b, cb = make_client(HOUSE_A)
    cb.sync(), ca.sync()
    for store in (a, b):
        point = store.get("aid_points", "pt-old")
        assert (point["name"], point["name_kk"], point["name_ru"]) == ("Екібастұз бөлімшесі", "", "")
        for lang in ("kk", "ru"):
            assert aid.point_label(point, lang) == "Екібастұз бөлімшесі"
            # the older PC's rename is what every PC shows until a PC saves the group with its two names
            assert dict(groups.group_names(store, lang))[group] == "«Достық» ансамблі"
    # opened on a form, the rename goes into the field of its language; saved, both names travel again
    data = groups.get_group(b, group)
    assert (data.name_kk, data.name_ru) == ("«Достық» ансамблі", "Хор «Дружба»")
    groups.save_group(b, data, group)
    cb.sync(), ca.sync()
    assert dict(groups.group_names(a, "ru"))[group] == "Хор «Дружба»"
    assert dict(groups.group_names(a, "kk"))[group] == "«Достық» ансамблі"
    assert a.get("creative_groups", group)["name"] == "«Достық» ансамблі"  # what the older PC shows
