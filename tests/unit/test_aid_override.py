"""What an aid entry needs an override for, found by the core before anything is written: stock short at the point,
a recipient outside the programme's ages, aid already given; the reason's rule and the `aid.override` permission;
reversals as the latest entries show them; and the printed receipt."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess

import pytest

from desktop import aid, roles
from desktop.aid import AidEntry, DonationEntry, Line, RecipientInput
from desktop.aid.eligibility import check_age
from desktop.aid.receipt import receipt_text, render_receipt
from desktop.errors import ValidationError
from desktop.i18n import set_language
from desktop.iin import make_iin
from desktop.roles import PermissionDenied
from desktop.store import Store

TODAY = dt.date(2026, 10, 15)
REASON = "the truck came before its papers"


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "aid.sqlite")
    s.set_house("KZ-55-01")
    yield s
    s.close()


@pytest.fixture
def point(store):
    return aid.save_aid_point(
        store, {"name_kk": "Орталық пункт", "name_ru": "Центральный пункт", "address": "Торайғыров к-сі, 1"}
    )


def person(store, birth: str, surname="Қасымов", name="Қайрат", iin: str | None = None):
    return aid.save_recipient(
        store,
        RecipientInput(
            consent=True,
            form_version="2026-1",
            surname=surname,
            name=name,
            sex="m",
            birth_date=birth,
            iin=iin or "",
            categories=["low_income"],
            consent_on=TODAY,
        ),
        today=TODAY,
    )


@pytest.fixture
def recipient(store):
    return person(store, "1950-03-02")


def donate(store, point, items):
    return aid.save_donation(
        store, DonationEntry(TODAY, point, "anonymous", [Line(i, q) for i, q in items]), today=TODAY
    )


def give(store, point, recipient, items, programme="other", reason=None, on=TODAY):
    return aid.save_aid(
        store,
        AidEntry(on, point, programme, recipient, [Line(i, q) for i, q in items], "Әсел"),
        override_reason=reason,
        today=TODAY,
    )


def counts(store):
    return {
        t: store.scalar(f"SELECT count(*) FROM {t}")
        for t in ("aid_given", "aid_lines", "audit_log", "outbox", "numbering")
        if store.scalar("SELECT 1 FROM sqlite_master WHERE name = ?", (t,))
    }


def on_hand(store, point, item):
    rows = {r.item_id: r for r in aid.stock_on_hand(store, point)}
    return rows[item].on_hand if item in rows else 0.0


# ---- stock is checked before anything is written -----------------------------------------------------------
def test_giving_from_negative_stock_is_refused_before_writing(store, point, recipient):
    # The point is already 100 kg below zero (aid given on an override, the donation not recorded yet).
    donate(store, point, [("item-flour", 10)])
    give(store, point, recipient, [("item-flour", 110)], reason=REASON)
    assert on_hand(store, point, "item-flour") == -100
    before = counts(store)
    with pytest.raises(aid.OverrideNeeded) as err:
        give(store, point, recipient, [("item-rice", 0.5), ("item-flour", 1000)])
    assert counts(store) == before  # nothing half-written: no header, no line, no receipt number, no audit
    assert on_hand(store, point, "item-flour") == -100
    [rice, flour] = err.value.shortages
    assert (flour.line, flour.item_id, flour.asked, flour.on_hand) == (2, "item-flour", 1000, -100)
    assert (rice.line, rice.on_hand) == (1, 0)
    # Each short line is named where the form shows it: the quantity of that row.
    quantity_errors = [e for e in err.value.errors if e.field == "quantity"]
    assert [(e.row, e.params["line"]) for e in quantity_errors] == [(0, 1), (1, 2)]
    shown = re.sub(r"[,\s\u00a0\u202f]", "", quantity_errors[1].message)
    assert "1000" in shown and "-100" in shown.replace("\u2212", "-")


def test_more_than_in_stock_needs_an_override_and_is_audited(store, point, recipient):
    donate(store, point, [("item-flour", 20)])
    with pytest.raises(aid.OverrideNeeded):
        give(store, point, recipient, [("item-flour", 15), ("item-flour", 10)])  # 25 of one item in two lines
    assert on_hand(store, point, "item-flour") == 20
    saved = give(store, point, recipient, [("item-flour", 15), ("item-flour", 10)], reason=REASON)
    assert on_hand(store, point, "item-flour") == -5
    assert saved.negative_stock[0][1] == -5
    assert store.get("aid_given", saved.id)["override_reason"] == REASON
    audit = store.one("SELECT * FROM audit_log WHERE action = 'aid_override' AND row_id = ?", (saved.id,))
    assert json.loads(audit["details"])["short"] == [{"item_id": "item-flour", "asked": 25, "on_hand": 20}]


def test_exactly_the_stock_needs_no_override(store, point, recipient):
    donate(store, point, [("item-flour", 20)])
    saved = give(store, point, recipient, [("item-flour", 20)])
    assert store.get("aid_given", saved.id)["override_reason"] is None and saved.negative_stock == []


def test_stock_at_another_point_does_not_count(store, point, recipient):
    other = aid.save_aid_point(store, {"name": "Сол жақ"})
    donate(store, other, [("item-flour", 50)])
    with pytest.raises(aid.OverrideNeeded):
        give(store, point, recipient, [("item-flour", 1)])


def test_the_short_message_is_translated(store, point, recipient, lang):
    lang("ru")
    with pytest.raises(aid.OverrideNeeded) as err:
        give(store, point, recipient, [("item-flour", 3)])
    message = err.value.errors[0].message
    assert "Строка 1" in message and "Мука" in message


# ---- the reason and who may override -----------------------------------------------------------------------
@pytest.mark.parametrize("reason", ["x", "ok", "1234567890", "....------", "  a b  "])
def test_a_short_or_wordless_reason_is_refused(store, point, recipient, reason):
    before = counts(store)
    with pytest.raises(ValidationError) as err:
        give(store, point, recipient, [("item-flour", 1)], reason=reason)
    assert err.value.field == "override_reason" and not isinstance(err.value, aid.OverrideNeeded)
    assert "10" in err.value.message
    assert counts(store) == before


def test_the_reason_rule_in_both_languages(lang):
    assert aid.check_reason("  үй  өртеніп   кетті ") == "үй өртеніп кетті"
    for code, word in (("kk", "себеб"), ("ru", "причина")):
        lang(code)
        with pytest.raises(ValidationError) as err:
            aid.check_reason("x")
        assert (
            word in err.value.message.lower()
            and "10" in err.value.message
            and "write" not in err.value.message
        )


def test_a_volunteer_may_not_override_but_staff_may(store, point, recipient):
    store.actor = roles.actor_for("acc-v", "Ерікті", roles.VOLUNTEER)
    before = counts(store)
    with pytest.raises(aid.OverrideNeeded):
        give(store, point, recipient, [("item-flour", 1)])
    with pytest.raises(PermissionDenied) as err:
        give(store, point, recipient, [("item-flour", 1)], reason=REASON)
    assert err.value.permission == "aid.override"
    assert counts(store) == before
    store.actor = roles.actor_for("acc-s", "Қызметкер", roles.STAFF)
    saved = give(store, point, recipient, [("item-flour", 1)], reason=REASON)
    assert store.get("aid_given", saved.id)["override_reason"] == REASON


def test_a_volunteer_gives_from_stock_without_any_override(store, point, recipient):
    donate(store, point, [("item-flour", 5)])
    store.actor = roles.actor_for("acc-v", "Ерікті", roles.VOLUNTEER)
    saved = give(store, point, recipient, [("item-flour", 5)])
    assert store.get("aid_given", saved.id)["override_reason"] is None


# ---- the programme's ages -----------------------------------------------------------------------------------
def test_age_table_rules():
    on = dt.date(2026, 10, 15)
    assert aid.PROGRAMME_AGES["mektepke_zhol"] == (6, 18)
    assert check_age("mektepke_zhol", on, birth_date=dt.date(2012, 5, 1)) is None  # 14
    assert check_age("mektepke_zhol", on, birth_date=dt.date(2020, 10, 15)) is None  # 6 that very day
    assert check_age("mektepke_zhol", on, birth_date=dt.date(2020, 10, 16)).age == 5  # 6 tomorrow
    assert check_age("mektepke_zhol", on, birth_date=dt.date(2007, 10, 16)) is None  # 18 until tomorrow
    assert check_age("mektepke_zhol", on, birth_date=dt.date(2007, 10, 15)).age == 19
    assert check_age("mektepke_zhol", on, birth_date=dt.date(2006, 1, 1)).age == 20
    assert check_age("qamqor", on, birth_date=dt.date(2006, 1, 1)) is None  # no ages declared
    # Without a birth date, only an age band wholly outside the range speaks.
    assert check_age("mektepke_zhol", on, birth_date=None, age_band="child") is None
    assert check_age("mektepke_zhol", on, birth_date=None, age_band="elderly").band == "elderly"
    assert check_age("mektepke_zhol", on, birth_date=None, age_band="adult") is None  # 18 is in both
    assert check_age("mektepke_zhol", on, birth_date=None, age_band=None) is None


def test_another_programme_declares_its_ages_in_the_table(monkeypatch):
    monkeypatch.setitem(aid.PROGRAMME_AGES, "qamqor", (60, None))
    on = dt.date(2026, 10, 15)
    assert check_age("qamqor", on, birth_date=dt.date(1990, 1, 1)).age == 36
    assert check_age("qamqor", on, birth_date=dt.date(1940, 1, 1)) is None


def test_road_to_school_for_a_twenty_year_old_asks_for_an_override(store, point, lang):
    adult = person(store, "2006-03-01", surname="Омаров", name="Ерлан")  # 20 on 15.10.2026
    child = person(store, "2015-09-01", surname="Омаров", name="Алихан")  # 11
    donate(store, point, [("item-backpack", 10)])
    give(store, point, child, [("item-backpack", 1)], programme="mektepke_zhol")
    before = counts(store)
    lang("ru")
    with pytest.raises(aid.OverrideNeeded) as err:
        give(store, point, adult, [("item-backpack", 1)], programme="mektepke_zhol")
    assert counts(store) == before
    assert err.value.ineligible.age == 20 and err.value.shortages == [] and err.value.breaches == []
    [message] = err.value.errors
    assert message.field == "programme" and "6–18" in message.message and "20" in message.message
    assert "Мектепке жол" in message.message
    saved = give(store, point, adult, [("item-backpack", 1)], programme="mektepke_zhol", reason=REASON)
    audit = store.one(
        "SELECT details FROM audit_log WHERE action = 'aid_override' AND row_id = ?", (saved.id,)
    )
    assert json.loads(audit["details"])["ages"] == [6, 18]


def test_age_is_taken_on_the_entry_date(store, point):
    # 18 until 1 October 2026, 19 from then: a back-dated entry of September is within the ages.
    teen = person(store, "2007-10-01", surname="Сейітова", name="Дана")
    donate(store, point, [("item-backpack", 10)])
    give(store, point, teen, [("item-backpack", 1)], programme="mektepke_zhol", on=dt.date(2026, 9, 20))
    with pytest.raises(aid.OverrideNeeded):
        give(store, point, teen, [("item-backpack", 1)], programme="mektepke_zhol", on=dt.date(2026, 10, 2))


def test_all_problems_come_at_once(store, point):
    adult = person(store, "2000-01-01")
    donate(store, point, [("item-backpack", 1)])
    give(store, point, adult, [("item-backpack", 1)], programme="mektepke_zhol", reason=REASON)
    with pytest.raises(aid.OverrideNeeded) as err:
        give(store, point, adult, [("item-backpack", 1)], programme="mektepke_zhol")
    assert not isinstance(err.value, aid.DoubleAidError)
    assert err.value.breaches and err.value.shortages and err.value.ineligible is not None
    assert [e.field for e in err.value.errors] == ["quantity", "programme", "override_reason"]
    assert err.value.recipient == "Қасымов Қайрат" and err.value.programme_name


# ---- reversals as the latest entries show them ----------------------------------------------------------------
def test_a_reversal_reads_as_one(store, point, recipient):
    donate(store, point, [("item-flour", 10)])
    saved = give(store, point, recipient, [("item-flour", 5)])
    correction = aid.reverse_aid(store, saved.id, "wrong recipient chosen", today=TODAY)
    rows = {r["id"]: r for r in aid.list_aid(store)}
    reversal, original = rows[correction.id], rows[saved.id]
    assert reversal["reverses_number"] == saved.number and reversal["items"].endswith("× -5")
    assert original["reversed"] == 1 and original["reversed_by_number"] == correction.number
    assert original["items"].endswith("× 5")


# ---- the receipt ---------------------------------------------------------------------------------------------------
def _pdf_text(path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


@pytest.fixture
def given(store, point):
    iin = make_iin(dt.date(1950, 3, 2), "m", 1) or make_iin(dt.date(1950, 3, 2), "m", 2)
    rid = person(store, "1950-03-02", iin=iin)
    donate(store, point, [("item-flour", 100), ("item-blanket", 3)])
    saved = give(store, point, rid, [("item-flour", 12.5), ("item-blanket", 1)])
    return saved, iin


def test_receipt_in_kazakh_and_russian(store, given, tmp_path):
    saved, iin = given
    kk = _pdf_text(render_receipt(store, saved.id, tmp_path / "kk.pdf", language="kk"))
    for words in (
        "БЕРУ АКТІСІ",
        saved.number,
        "Орталық пункт",
        "Ұн",
        "12,5",
        "кг",
        "Көрпе",
        "Берген",
        "Алған",
    ):
        assert words in kk, words
    assert "Қасымов Қайрат" in kk and iin in kk and "Әсел" in kk
    receiver = next(line for line in kk.splitlines() if "Алған:" in line)
    assert "Қасымов Қайрат" in receiver  # the name beside the receiver's signature
    ru = _pdf_text(render_receipt(store, saved.id, tmp_path / "ru.pdf", language="ru"))
    for words in ("АКТ ВЫДАЧИ", "Центральный пункт", "Мука", "Одеяло", "Выдал", "Получил", "Получатель"):
        assert words in ru, words
    assert "Орталық пункт" not in ru  # the point named in the receipt's language
    both = _pdf_text(render_receipt(store, saved.id, tmp_path / "both.pdf", language="both"))
    assert "АКТІСІ" in both and "АКТ ВЫДАЧИ" in both
    assert store.scalar("SELECT count(*) FROM audit_log WHERE action = 'receipt_printed'") == 3


def test_receipt_masks_personal_data_for_a_volunteer(store, given, tmp_path):
    saved, iin = given
    store.actor = roles.actor_for("acc-v", "Ерікті", roles.VOLUNTEER)
    text = _pdf_text(render_receipt(store, saved.id, tmp_path / "v.pdf"))
    assert iin not in text and iin[-4:] in text and "02.03.1950" not in text


def test_receipt_of_anonymous_aid_and_of_a_reversal(store, point, given, tmp_path):
    saved, _iin = given
    anon = aid.save_recipient(
        store, RecipientInput(consent=False, categories=["lonely_elderly"], age_band="elderly"), today=TODAY
    )
    entry = give(store, point, anon, [("item-flour", 1)])
    assert "аноним" in _pdf_text(render_receipt(store, entry.id, tmp_path / "a.pdf", language="ru"))
    assert receipt_text(store, entry.id, "kk").receiver == ""
    correction = aid.reverse_aid(store, saved.id, "wrong recipient chosen", today=TODAY)
    text = receipt_text(store, correction.id, "ru")
    assert saved.number in text.reversal and text.items[0][1] == "-12,5"


def test_receipt_refuses_a_bad_language_and_an_unknown_entry(store, given, tmp_path):
    saved, _iin = given
    set_language("en")
    with pytest.raises(ValidationError) as err:
        render_receipt(store, saved.id, tmp_path / "x.pdf", language="en")
    assert err.value.field == "receipt_language"
    with pytest.raises(ValidationError) as err:
        render_receipt(store, "nope", tmp_path / "x.pdf")
    assert err.value.field == "aid_id" and not (tmp_path / "x.pdf").exists()
