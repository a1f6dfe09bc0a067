"""The summary schema (desktop.reports.payload_check) accepts every honest summary and refuses the rest."""

from __future__ import annotations

import copy

import pytest

from desktop.ids import new_id
from desktop.reports.payload_check import PayloadProblem, check_payload, payload_problem, personal_shaped

HOUSE = "KZ-55-01"


def test_a_real_summary_passes(october):
    payload = october.to_payload()
    assert check_payload(payload, house=HOUSE, month="2026-10", latest_month="2026-11") is payload


def test_row_ids_as_item_codes_are_not_taken_for_personal_numbers(october):
    """Item codes are UUIDv7 row ids, full of digits: thousands of them never trip the IIN/phone check."""
    payload = copy.deepcopy(october.to_payload())
    ids = [new_id() for _ in range(2000)]
    payload["current"]["stock"] = dict.fromkeys(ids, 1)
    payload["names"]["items"] = {i: ["Ұн", "Мука", "кг", "кг"] for i in ids}
    assert payload_problem(payload, house=HOUSE) is None


@pytest.mark.parametrize(
    "text",
    ["900101300123", "ИИН 900 101 300 123", "+7 (701) 123-45-67", "87011234567", "тел. 8-701-123-45-67"],
)
def test_personal_numbers_are_seen_in_text(text):
    assert personal_shaped(text)


@pytest.mark.parametrize("text", ["Мука 2 кг", "Учебный год 2025-2026", "01.09.2026", "№ 12"])
def test_ordinary_labels_are_not(text):
    assert not personal_shaped(text)


def test_month_house_and_schema_are_checked(october):
    payload = october.to_payload()
    for kwargs, reason in [
        ({"house": "KZ-55-02"}, "house"),
        ({"house": HOUSE, "month": "2026-09"}, "month"),
        ({"house": HOUSE, "latest_month": "2026-09"}, "future"),
    ]:
        with pytest.raises(PayloadProblem) as caught:
            check_payload(payload, **kwargs)
        assert caught.value.reason == reason
    assert payload_problem(dict(payload, schema=99), house=HOUSE) == "schema"
    assert payload_problem("[" * 100_000, house=HOUSE) == "json"
    assert payload_problem("x" * 600_000, house=HOUSE) == "too_large"
