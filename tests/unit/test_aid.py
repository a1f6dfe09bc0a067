"""The aid point's services: ledgers with reversals, the double-aid guard, consent, donations and stock."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from desktop import aid
from desktop.aid import AidEntry, DonationEntry, Line, RecipientInput
from desktop.errors import ValidationError, ValidationErrors
from desktop.i18n import set_language
from desktop.store import Store

TODAY = dt.date(2026, 10, 15)


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "aid.sqlite")
    s.set_house("KZ-55-01")
    yield s
    s.close()


@pytest.fixture
def point(store):
    return aid.save_aid_point(store, {"name": "Орталық пункт", "address": "Торайғыров к-сі, 1"})


@pytest.fixture
def recipient(store):
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


def give(
    store, point, recipient, on, programme="qamqor", items=(("item-flour", 5),), reason=None, top_up=True
):
    """Gives the items; with `top_up`, an item the point lacks is donated first (a generous 1000 more), so a test
    of something else is not stopped by the stock check."""
    if top_up:
        numeric = [(i, q) for i, q in items if isinstance(q, (int, float)) and q > 0]
        short = [(i, q + 1000) for i, q in numeric if stock(store, point, i) < q] if point else []
        if short:
            donate(store, point, short, on=min(on, TODAY) if isinstance(on, dt.date) else TODAY)
    return aid.save_aid(
        store,
        AidEntry(on, point, programme, recipient, [Line(i, q) for i, q in items], "Әсел"),
        override_reason=reason,
        today=TODAY,
    )


def donate(store, point, items, on=TODAY):
    return aid.save_donation(
        store, DonationEntry(on, point, "anonymous", [Line(i, q) for i, q in items]), today=TODAY
    )


def counts(store):
    return {
        t: store.scalar(f"SELECT count(*) FROM {t}")
        for t in ("aid_given", "aid_lines", "donations", "donation_lines", "outbox")
    }


def stock(store, point, item):
    rows = {r.item_id: r for r in aid.stock_on_hand(store, point)}
    return rows[item].on_hand if item in rows else 0.0


# ---- ledger arithmetic ---------------------------------------------------------------------------------------
def test_stock_is_donations_minus_aid_plus_adjustments(store, point, recipient):
    donate(store, point, [("item-flour", 100), ("item-rice", 20)])
    give(store, point, recipient, TODAY, items=[("item-flour", 5), ("item-rice", 2)])
    aid.record_stock_take(store, point, "item-rice", "17", "two kg spilled", today=TODAY)
    assert stock(store, point, "item-flour") == 95
    assert stock(store, point, "item-rice") == 17
    rice = next(r for r in aid.stock_on_hand(store, point) if r.item_id == "item-rice")
    assert (rice.donated, rice.given, rice.adjusted) == (20, 2, -1)


def test_reversal_gives_back_the_quantities_and_references_the_original(store, point, recipient):
    donate(store, point, [("item-flour", 10)])
    saved = give(store, point, recipient, TODAY, items=[("item-flour", 4)])
    assert stock(store, point, "item-flour") == 6
    reversal = aid.reverse_aid(store, saved.id, "wrong recipient", today=TODAY)
    row = store.get("aid_given", reversal.id)
    assert row["reverses_id"] == saved.id and row["reason"] == "wrong recipient"
    assert [
        r["quantity"] for r in store.rows("SELECT quantity FROM aid_lines WHERE aid_id = ?", (reversal.id,))
    ] == [-4]
    assert stock(store, point, "item-flour") == 10
    # The original stays as it was: a ledger is never edited.
    assert store.get("aid_given", saved.id)["reverses_id"] is None


def test_donation_reversal_and_stock_cache_follow_new_entries(store, point, recipient):
    first = donate(store, point, [("item-sugar", 30)])
    assert stock(store, point, "item-sugar") == 30  # fills the per-connection cache
    donate(store, point, [("item-sugar", 5)])
    assert stock(store, point, "item-sugar") == 35
    aid.reverse_donation(store, first.id, "counted twice", today=TODAY)
    assert stock(store, point, "item-sugar") == 5


def test_stock_sums_match_a_fresh_connection(store, point, recipient, tmp_path):
    donate(store, point, [("item-oil", 12)])
    aid.stock_on_hand(store)
    for day in range(3):
        give(
            store,
            point,
            recipient,
            TODAY - dt.timedelta(days=40 * day),
            programme="other",
            items=[("item-oil", 1)],
        )
    fresh = Store(store.path)
    try:
        assert [(r.item_id, r.on_hand) for r in aid.stock_on_hand(store)] == [
            (r.item_id, r.on_hand) for r in aid.stock_on_hand(fresh)
        ]
    finally:
        fresh.close()


def test_reversal_of_a_reversal_is_refused(store, point, recipient):
    saved = give(store, point, recipient, TODAY)
    reversal = aid.reverse_aid(store, saved.id, "mistake", today=TODAY)
    before = counts(store)
    set_language("ru")
    try:
        with pytest.raises(ValidationError) as err:
            aid.reverse_aid(store, reversal.id, "undo", today=TODAY)
        assert err.value.field == "reverses_id"
        assert "сторн" in err.value.message.lower()
    finally:
        set_language("en")
    with pytest.raises(ValidationError, match="already been reversed"):
        aid.reverse_aid(store, saved.id, "again", today=TODAY)
    assert counts(store) == before


def test_reversal_needs_a_reason(store, point, recipient):
    saved = give(store, point, recipient, TODAY)
    with pytest.raises(ValidationError) as err:
        aid.reverse_aid(store, saved.id, "  ", today=TODAY)
    assert err.value.field == "reason"


def test_ledgers_refuse_edits(store, point, recipient):
    saved = give(store, point, recipient, TODAY)
    from desktop.errors import LedgerError

    with pytest.raises(LedgerError):
        store.update("aid_given", saved.id, {"programme": "meyirim"})


def test_receipt_numbers_carry_the_device_prefix(store, point, recipient):
    first = give(store, point, recipient, TODAY, programme="other")
    second = give(store, point, recipient, TODAY, programme="other")
    assert first.number.startswith(store.device_prefix + "-")
    assert int(second.number.split("-")[1]) == int(first.number.split("-")[1]) + 1


# ---- bad input: nothing half-written ---------------------------------------------------------------------
@pytest.mark.parametrize(
    "quantity, message",
    [
        (0, "greater than zero"),
        (-3, "greater than zero"),
        ("abc", "must be a number"),
        ("", "must be a number"),
    ],
)
def test_bad_quantity_names_the_line_and_writes_nothing(store, point, recipient, quantity, message):
    donate(store, point, [("item-flour", 10), ("item-rice", 10)])
    before = counts(store)
    with pytest.raises(ValidationError) as err:
        give(store, point, recipient, TODAY, items=[("item-flour", 1), ("item-rice", quantity)])
    assert err.value.field == "quantity" and err.value.row == 1
    assert message in err.value.message and "2" in err.value.message
    assert counts(store) == before


def test_quantity_with_a_decimal_comma_is_accepted(store, point, recipient):
    donate(store, point, [("item-flour", 10)])
    saved = give(store, point, recipient, TODAY, programme="other", items=[("item-flour", "2,5")])
    assert store.scalar("SELECT quantity FROM aid_lines WHERE aid_id = ?", (saved.id,)) == 2.5


def test_item_not_in_catalogue_is_refused(store, point, recipient):
    other = store.insert("aid_items", {"name_kk": "Бөтен", "name_ru": "Чужой", "house_id": "KZ-71-01"})
    before = counts(store)
    with pytest.raises(ValidationError) as err:
        give(store, point, recipient, TODAY, items=[("item-caviar", 1)])
    assert err.value.field == "item_id" and "catalogue" in err.value.message
    # Another house's own item is not in this house's catalogue either.
    with pytest.raises(ValidationError):
        give(store, point, recipient, TODAY, items=[(other, 1)])
    assert counts(store) == before


def test_date_in_the_future_is_refused(store, point, recipient):
    set_language("kk")
    try:
        with pytest.raises(ValidationError) as err:
            give(store, point, recipient, TODAY + dt.timedelta(days=1))
        assert err.value.field == "given_on"
        assert "Күн" in err.value.message and "future" not in err.value.message
    finally:
        set_language("en")
    assert store.scalar("SELECT count(*) FROM aid_given") == 0


def test_several_bad_fields_are_reported_together(store, point):
    with pytest.raises(ValidationErrors) as err:
        aid.save_aid(store, AidEntry(TODAY, None, "nope", None, [Line("item-flour", -1)]), today=TODAY)
    assert {e.field for e in err.value.errors} == {"aid_point_id", "programme", "recipient_id", "quantity"}


def test_a_failing_line_rolls_back_the_header(store, point, recipient, monkeypatch):
    """Even an error raised while writing (after validation) leaves no header without lines."""
    donate(store, point, [("item-flour", 10), ("item-rice", 10)])
    before = counts(store)
    real_insert = store.insert

    def failing(table, values, **kw):
        if table == "aid_lines" and values["item_id"] == "item-rice":
            raise RuntimeError("disk full")
        return real_insert(table, values, **kw)

    monkeypatch.setattr(store, "insert", failing)
    with pytest.raises(RuntimeError):
        give(store, point, recipient, TODAY, items=[("item-flour", 1), ("item-rice", 1)])
    assert counts(store) == before


# ---- programme rules -------------------------------------------------------------------------------------
def test_qamqor_once_per_calendar_month_boundary(store, point, recipient):
    give(store, point, recipient, dt.date(2026, 8, 31))
    # Next day is a new month: allowed.
    give(store, point, recipient, dt.date(2026, 9, 1))
    # The last day of the same month: refused without a reason.
    with pytest.raises(aid.DoubleAidError) as err:
        give(store, point, recipient, dt.date(2026, 9, 30))
    breach = err.value.breaches[0]
    assert breach.window == (dt.date(2026, 9, 1), dt.date(2026, 10, 1))
    assert [e.given_on for e in breach.earlier] == [dt.date(2026, 9, 1)]
    assert breach.earlier[0].aid_point == "Орталық пункт" and breach.earlier[0].given_by == "Әсел"


def test_school_year_changes_on_1_september(store, point):
    child = aid.save_recipient(
        store,
        RecipientInput(
            consent=True,
            form_version="2026-1",
            consent_on=TODAY,
            surname="Омарова",
            name="Аружан",
            sex="f",
            birth_date="2016-05-05",
            categories=["large_family"],
        ),
        today=TODAY,
    )
    give(store, point, child, dt.date(2025, 9, 1), programme="mektepke_zhol", items=[("item-backpack", 1)])
    # 31 August 2026 is still the same school year.
    assert aid.check_double_aid(store, "mektepke_zhol", child, dt.date(2026, 8, 31))
    # 1 September 2026 starts the next one.
    assert aid.check_double_aid(store, "mektepke_zhol", child, dt.date(2026, 9, 1)) == []
    # The day before the first entry belongs to the previous school year.
    assert aid.check_double_aid(store, "mektepke_zhol", child, dt.date(2025, 8, 31)) == []


def test_household_rule_counts_every_member(store, point):
    first = aid.save_recipient(
        store,
        RecipientInput(
            consent=True,
            form_version="2026-1",
            consent_on=TODAY,
            surname="Петров",
            name="Иван",
            members_count=4,
            children_count=2,
            categories=["emergency"],
        ),
        today=TODAY,
    )
    household = store.get("recipients", first)["household_id"]
    second = aid.save_recipient(
        store,
        RecipientInput(
            consent=True,
            form_version="2026-1",
            consent_on=TODAY,
            surname="Петрова",
            name="Анна",
            categories=["emergency"],
            household_of=first,
        ),
        today=TODAY,
    )
    assert store.get("recipients", second)["household_id"] == household
    assert store.get("households", household)["members_count"] == 4
    # Жүректен жүрекке: at most 2 per household per month.
    give(store, point, first, dt.date(2026, 10, 2), programme="zhurekten")
    assert aid.check_double_aid(store, "zhurekten", second, dt.date(2026, 10, 3)) == []
    give(store, point, second, dt.date(2026, 10, 3), programme="zhurekten")
    breaches = aid.check_double_aid(store, "zhurekten", first, dt.date(2026, 10, 31))
    assert len(breaches) == 1 and len(breaches[0].earlier) == 2


def test_year_and_days_rules(store, point, recipient):
    aid.save_rule(store, {"programme": "meyirim", "scope": "person", "period": "year", "max_count": 1})
    aid.save_rule(
        store, {"programme": "other", "scope": "person", "period": "days", "period_days": 10, "max_count": 1}
    )
    give(store, point, recipient, dt.date(2025, 12, 31), programme="meyirim")
    assert aid.check_double_aid(store, "meyirim", recipient, dt.date(2026, 1, 1)) == []
    give(store, point, recipient, dt.date(2026, 10, 1), programme="other")
    assert aid.check_double_aid(store, "other", recipient, dt.date(2026, 10, 10))
    assert aid.check_double_aid(store, "other", recipient, dt.date(2026, 10, 11)) == []
    # A back-dated entry just before the earlier one also counts.
    assert aid.check_double_aid(store, "other", recipient, dt.date(2026, 9, 25))


def test_rule_validation(store):
    with pytest.raises(ValidationErrors) as err:
        aid.save_rule(
            store,
            {"programme": "qamqor", "scope": "street", "period": "days", "period_days": "x", "max_count": 0},
        )
    assert {e.field for e in err.value.errors} == {"scope", "period_days", "max_count"}


def test_reversed_aid_does_not_count_against_the_rule(store, point, recipient):
    saved = give(store, point, recipient, dt.date(2026, 10, 1))
    aid.reverse_aid(store, saved.id, "wrong programme", today=TODAY)
    assert aid.check_double_aid(store, "qamqor", recipient, dt.date(2026, 10, 5)) == []


def test_override_needs_a_reason_and_is_audited(store, point, recipient):
    give(store, point, recipient, dt.date(2026, 10, 1))
    before = counts(store)
    for blank in (None, "", "   "):
        with pytest.raises(aid.DoubleAidError) as err:
            give(store, point, recipient, dt.date(2026, 10, 14), reason=blank)
        assert err.value.field == "override_reason"
    assert counts(store) == before
    saved = give(
        store, point, recipient, dt.date(2026, 10, 14), reason="house fire, approved by the director"
    )
    assert store.get("aid_given", saved.id)["override_reason"] == "house fire, approved by the director"
    audit = store.one("SELECT * FROM audit_log WHERE action = 'aid_override' AND row_id = ?", (saved.id,))
    details = json.loads(audit["details"])
    assert details["reason"] == "house fire, approved by the director" and len(details["earlier"]) == 1


def test_no_reason_is_kept_when_there_is_no_breach(store, point, recipient):
    saved = give(store, point, recipient, dt.date(2026, 10, 1), reason="just in case")
    assert store.get("aid_given", saved.id)["override_reason"] is None


# ---- recipients and consent ------------------------------------------------------------------------------
def test_recipient_with_consent_gets_a_person_and_a_consent(store, recipient):
    row = store.get("recipients", recipient)
    person = store.get("people", row["person_id"])
    assert person["name"] == "Қайрат" and row["anonymous"] == 0 and row["age_band"] == "elderly"
    consent = aid.consent_status(store, row["person_id"], TODAY)
    assert consent["state"] == "active"
    assert consent["row"]["form_version"] == aid.CONSENT_FORM_VERSION
    assert consent["row"]["expires_on"] == "2029-10-15"
    assert aid.consent_status(store, row["person_id"], dt.date(2029, 10, 16))["state"] == "expired"


def test_anonymous_recipient_keeps_no_personal_fields(store, point):
    people_before = store.scalar("SELECT count(*) FROM people")
    rid = aid.save_recipient(
        store,
        RecipientInput(
            consent=False,
            surname="Should",
            name="Vanish",
            phone="+77011234567",
            locality="Павлодар",
            sex="f",
            age_band="elderly",
            categories=["lonely_elderly"],
        ),
        today=TODAY,
    )
    row = store.get("recipients", rid)
    assert row["person_id"] is None and row["anonymous"] == 1 and row["locality"] is None
    assert (row["sex"], row["age_band"], json.loads(row["categories"])) == (
        "f",
        "elderly",
        ["lonely_elderly"],
    )
    assert store.scalar("SELECT count(*) FROM people") == people_before
    assert store.scalar("SELECT count(*) FROM consents") == 0
    # Aid can still be given and counted.
    saved = give(store, point, rid, TODAY)
    assert store.get("aid_given", saved.id)["recipient_id"] == rid
    assert aid.recipient_label(store, row).startswith("Anonymous")


def test_withdrawn_consent_makes_the_recipient_anonymous(store, point, recipient):
    give(store, point, recipient, TODAY)
    person_id = store.get("recipients", recipient)["person_id"]
    aid.withdraw_consent(store, recipient, today=TODAY)
    row = store.get("recipients", recipient)
    assert row["person_id"] is None and row["anonymous"] == 1
    assert aid.consent_status(store, person_id, TODAY)["state"] == "withdrawn"
    assert len(aid.recipient_card(store, recipient, TODAY)["history"]) == 1


def test_recipient_search_is_kazakh_aware(store, recipient):
    assert [r["id"] for r in aid.search_recipients(store, "кайрат")] == [recipient]
    assert [r["id"] for r in aid.search_recipients(store, "ҚАСЫМОВ қайрат")] == [recipient]
    assert aid.search_recipients(store, "Иван") == []


def test_recipient_validation(store):
    with pytest.raises(ValidationErrors) as err:
        aid.save_recipient(
            store,
            RecipientInput(
                consent=True,
                form_version="2026-1",
                consent_on=TODAY,
                name="",
                surname="X",
                iin="123456789012",
                phone="12",
                birth_date="2030-01-01",
                members_count="2",
                children_count="5",
                categories=["pirate"],
            ),
            today=TODAY,
        )
    assert {e.field for e in err.value.errors} == {
        "name",
        "iin",
        "phone",
        "birth_date",
        "children_count",
        "categories",
    }
    assert store.scalar("SELECT count(*) FROM people") == 0


def test_same_person_cannot_be_registered_twice(store, recipient):
    person_id = store.get("recipients", recipient)["person_id"]
    with pytest.raises(ValidationError):
        aid.save_recipient(
            store,
            RecipientInput(consent=True, form_version="2026-1", consent_on=TODAY, person_id=person_id),
            today=TODAY,
        )


def test_recipient_card_shows_history_with_reversals(store, point, recipient):
    donate(store, point, [("item-flour", 50)])
    saved = give(store, point, recipient, dt.date(2026, 9, 10))
    aid.reverse_aid(store, saved.id, "typo", today=TODAY)
    card = aid.recipient_card(store, recipient, TODAY)
    assert card["label"] == "Қасымов Қайрат" and card["categories"]
    history = card["history"]
    assert len(history) == 2
    original = next(h for h in history if h["id"] == saved.id)
    assert original["reversed"] == 1 and "5" in original["items"]


# ---- donations --------------------------------------------------------------------------------------------
def test_donation_from_an_organisation_checks_the_bin(store, point):
    entry = DonationEntry(
        TODAY,
        point,
        "organisation",
        [Line("item-flour", 100, "45000")],
        donor_org_name="ТОО «Береке»",
        donor_bin="150440012345",
    )
    with pytest.raises(ValidationError) as err:
        aid.save_donation(store, entry, today=TODAY)
    assert err.value.field == "donor_bin"
    entry.donor_bin = "150440012344"
    saved = aid.save_donation(store, entry, today=TODAY)
    row = store.get("donations", saved.id)
    assert (row["donor_bin"], row["donor_org_name"]) == ("150440012344", "ТОО «Береке»")
    assert store.scalar("SELECT value_kzt FROM donation_lines WHERE donation_id = ?", (saved.id,)) == 45000


def test_bin_must_name_an_entity_type(store, point):
    # Valid check digit but the fifth digit is not 4, 5 or 6: an IIN, not a BIN.
    from desktop.iin import make_iin

    iin = make_iin(dt.date(1980, 1, 1), "m", 12)
    with pytest.raises(ValidationError):
        aid.save_donation(
            store,
            DonationEntry(
                TODAY, point, "organisation", [Line("item-flour", 1)], donor_org_name="X", donor_bin=iin
            ),
            today=TODAY,
        )


def test_donation_from_a_person_and_bad_lines(store, point, recipient):
    person = store.get("recipients", recipient)["person_id"]
    saved = aid.save_donation(
        store,
        DonationEntry(TODAY, point, "person", [Line("item-tea", 3)], donor_person_id=person),
        today=TODAY,
    )
    assert store.get("donations", saved.id)["donor_person_id"] == person
    before = counts(store)
    with pytest.raises(ValidationErrors) as err:
        aid.save_donation(
            store,
            DonationEntry(
                TODAY, point, "person", [Line("item-tea", 0), Line("nope", 1), Line("item-rice", 1, "-5")]
            ),
            today=TODAY,
        )
    assert {(e.field, e.row) for e in err.value.errors} == {
        ("donor_person_id", None),
        ("quantity", 0),
        ("item_id", 1),
        ("value_kzt", 2),
    }
    assert counts(store) == before


# ---- stock never silently negative ------------------------------------------------------------------------
def test_negative_stock_is_reported_not_hidden(store, point, recipient):
    donate(store, point, [("item-rice", 2)])
    saved = give(
        store,
        point,
        recipient,
        TODAY,
        items=[("item-rice", 5)],
        reason="the rest came today, stock-take due",
        top_up=False,
    )
    assert saved.negative_stock and saved.negative_stock[0][1] == -3
    row = next(r for r in aid.stock_on_hand(store, point) if r.item_id == "item-rice")
    assert row.on_hand == -3 and row.negative


def test_stock_take_records_the_difference_with_a_reason(store, point):
    donate(store, point, [("item-soap", 10)])
    with pytest.raises(ValidationErrors):
        aid.record_stock_take(store, point, "item-soap", "-1", "", today=TODAY)
    adj = aid.record_stock_take(store, point, "item-soap", "7", "stock-take 15.10", today=TODAY)
    assert store.get("stock_adjustments", adj)["quantity"] == -3
    assert aid.record_stock_take(store, point, "item-soap", "7", "again", today=TODAY) is None
    assert stock(store, point, "item-soap") == 7


# ---- catalogue --------------------------------------------------------------------------------------------
def test_house_items_join_the_central_catalogue(store):
    assert store.scalar("SELECT count(*) FROM aid_items WHERE house_id IS NULL") >= 10
    item = aid.save_item(
        store,
        {
            "name_kk": "Балалар жаялығы",
            "name_ru": "Детские подгузники",
            "unit": "pack",
            "item_group": "hygiene",
        },
    )
    assert store.get("aid_items", item)["house_id"] == "KZ-55-01"
    assert [r["id"] for r in aid.search_items(store, "жаялыгы")] == [item]
    assert [r["id"] for r in aid.search_items(store, "подгуз")] == [item]
    with pytest.raises(ValidationError):
        aid.save_item(store, {"name_kk": "X", "unit": "ton"})
    with pytest.raises(ValidationError):
        aid.save_item(store, {"name_kk": "Ұн!"}, item_id="item-flour")


def test_aid_point_needs_a_name(store):
    with pytest.raises(ValidationError) as err:
        aid.save_aid_point(store, {"name": "  "})
    assert err.value.field == "name_kk"
    assert err.value.message == "Enter a name in Kazakh or Russian (or both)."


def test_rule_text_in_both_languages(store):
    rule = aid.Rule("r", "qamqor", "person", "month", None, 1)
    set_language("ru")
    try:
        assert "месяц" in aid.rule_text(rule)
    finally:
        set_language("en")
    assert aid.rule_text(rule) == "at most 1 time per person, calendar month"


def test_rolled_back_lines_never_reach_the_stock_cache(store, point, recipient):
    donate(store, point, [("item-flour", 10)])
    assert stock(store, point, "item-flour") == 10
    with pytest.raises(RuntimeError), store.transaction():
        give(store, point, recipient, TODAY, items=[("item-flour", 9)])
        assert stock(store, point, "item-flour") == 1  # the open transaction sees its own lines
        raise RuntimeError("cancelled")
    give(store, point, recipient, TODAY, programme="other", items=[("item-flour", 2)])
    assert stock(store, point, "item-flour") == 8


# ---- consent form -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("lang, expected", [("kk", "Дербес деректерді жинауға"), ("ru", "Согласие на сбор")])
def test_consent_form_pdf_in_both_languages(tmp_path, store, lang, expected):
    import shutil
    import subprocess

    from desktop.consent_form import save_consent_form

    data = RecipientInput(
        surname="Қасымов", name="Қайрат", patronymic="Нұрланұлы", birth_date="1950-03-02", iin="500302300015"
    )
    path = save_consent_form(store, lang, data, folder=tmp_path)
    content = path.read_bytes()
    assert content.startswith(b"%PDF") and b"DejaVu" in content
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
        assert expected in text and "Қасымов Қайрат Нұрланұлы" in text and "02.03.1950" in text
        assert aid.CONSENT_FORM_VERSION in text


def test_a_line_that_arrives_before_its_header_is_counted_once_the_header_arrives(store, point):
    """Sync may deliver an entry's lines in an earlier page than its header."""
    donate(store, point, [("item-flour", 10)])
    assert stock(store, point, "item-flour") == 10
    store.insert("aid_lines", {"aid_id": "header-later", "item_id": "item-flour", "quantity": 4})
    assert stock(store, point, "item-flour") == 10
    store.insert(
        "aid_given",
        {"given_on": TODAY.isoformat(), "aid_point_id": point, "programme": "other"},
        row_id="header-later",
    )
    assert stock(store, point, "item-flour") == 6


def test_joining_a_household_makes_one_for_both_when_needed(store):
    first = aid.save_recipient(
        store,
        RecipientInput(consent=True, form_version="2026-1", consent_on=TODAY, surname="Ким", name="Елена"),
        today=TODAY,
    )
    assert store.get("recipients", first)["household_id"] is None
    second = aid.save_recipient(
        store,
        RecipientInput(
            consent=False, age_band="child", household_of=first, members_count="3", children_count="1"
        ),
        today=TODAY,
    )
    household = store.get("recipients", second)["household_id"]
    assert household and store.get("recipients", first)["household_id"] == household
    assert store.get("households", household)["children_count"] == 1
    with pytest.raises(ValidationError) as err:
        aid.save_recipient(store, RecipientInput(consent=False, household_of="nobody"), today=TODAY)
    assert err.value.field == "household_of"


# ---- one person path: recipients get the checks and the duplicate check of every person form ---------------
def test_a_recipient_with_the_iin_of_a_person_on_file_is_caught_and_cannot_be_waved_through(store):
    from desktop import people

    volunteer = people.save_person(
        store,
        {
            "surname": "Қасымова",
            "name": "Айгүл",
            "birth_date": "01.01.1990",
            "sex": "f",
            "iin": "900101400013",
        },
        today=TODAY,
    )
    typed = RecipientInput(
        consent=True,
        form_version="2026-1",
        consent_on=TODAY,
        surname="Касымова",
        name="Айгуль",
        birth_date="1990-01-01",
        sex="f",
        iin="900101400013",
    )
    with pytest.raises(people.DuplicatesFound) as caught:
        aid.save_recipient(store, typed, today=TODAY)
    assert {(d.person["id"], d.reason) for d in caught.value.duplicates} == {(volunteer, "iin")}
    # "a different person" is no answer for the same IIN: pick the person on file instead
    typed.different_from = (volunteer,)
    with pytest.raises(people.DuplicatesFound):
        aid.save_recipient(store, typed, today=TODAY)
    assert store.scalar("SELECT count(*) FROM people") == 1
    assert store.scalar("SELECT count(*) FROM recipients") == 0


def test_a_similar_name_is_asked_about_once_and_remembered_as_a_different_person(store):
    first = aid.save_recipient(
        store,
        RecipientInput(
            consent=True,
            form_version="2026-1",
            consent_on=TODAY,
            surname="Нұрланов",
            name="Қайрат",
            birth_date="1950-03-02",
        ),
        today=TODAY,
    )
    first_person = store.get("recipients", first)["person_id"]
    typed = RecipientInput(
        consent=True,
        form_version="2026-1",
        consent_on=TODAY,
        surname="Нурланов",
        name="Кайрат",
        birth_date="1950-03-02",
    )
    with pytest.raises(ValidationError) as caught:
        aid.save_recipient(store, typed, today=TODAY)
    assert caught.value.field == "surname"  # shown beside the name
    typed.different_from = (first_person,)
    second = aid.save_recipient(store, typed, today=TODAY)
    assert store.get("recipients", second)["person_id"] != first_person
    assert store.scalar("SELECT count(*) FROM people_distinct") == 1


def test_a_recipient_is_checked_by_the_person_rules_of_every_form(store):
    typed = RecipientInput(
        consent=True,
        form_version="2026-1",
        consent_on=TODAY,
        surname="Ли2",
        name="Ирина",
        phone="+7 701 123",
        iin="123",
    )
    with pytest.raises(ValidationErrors) as caught:
        aid.save_recipient(store, typed, today=TODAY)
    assert {e.field for e in caught.value.errors} >= {"surname", "phone", "iin"}  # digits in a name too


def test_the_catalogue_lists_are_read_a_page_at_a_time(store):
    for i in range(7):
        aid.save_aid_point(store, {"name_kk": f"Пункт {i:02d}"})
    names = [p["name_kk"] for p in aid.list_aid_points(store, offset=2, limit=3)]
    assert names == ["Пункт 02", "Пункт 03", "Пункт 04"]
    assert aid.count_aid_points(store) == 7 == len(aid.list_aid_points(store))
    items = aid.list_items(store)
    assert aid.count_items(store) == len(items) and aid.list_items(store, offset=1, limit=2) == items[1:3]
    rules = aid.list_rules(store)
    assert aid.count_rules(store) == len(rules) and aid.list_rules(store, offset=1, limit=1) == rules[1:2]
