"""The person form fills in birth date and sex from a valid IIN, never over what the user typed (that gets a
warning beside the IIN instead)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLineEdit

from ui.widgets.person_form import PersonForm


def type_text(editor: QLineEdit, text: str) -> None:
    """Key presses carrying any character (QTest maps only the keys of a keyboard)."""
    for ch in text:
        QApplication.sendEvent(
            editor, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, ch)
        )


def _form(qtbot) -> PersonForm:
    form = PersonForm()
    qtbot.addWidget(form)
    return form


def test_a_valid_iin_fills_in_an_empty_birth_date_and_sex(qtbot, clock):
    form = _form(qtbot)
    qtbot.keyClicks(form.iin, "050325600124")  # 25.03.2005, female
    assert form.birth_date.text() == "25.03.2005"
    assert form.sex.currentData() == "f"
    assert form.message_of("iin") == "" and form.message_of("birth_date") == ""
    clean = form.validate(final=False)
    assert clean is None or clean.warnings == []


def test_an_unfinished_or_wrong_iin_fills_in_nothing(qtbot, clock):
    form = _form(qtbot)
    qtbot.keyClicks(form.iin, "05032560012")
    assert form.birth_date.text() == "" and form.sex.currentData() == ""
    qtbot.keyClicks(form.iin, "5")  # a wrong check digit
    assert form.birth_date.text() == "" and form.sex.currentData() == ""
    assert "check digit" in form.message_of("iin")


def test_a_typed_birth_date_is_kept_and_the_disagreement_is_shown(qtbot, clock):
    form = _form(qtbot)
    qtbot.keyClicks(form.birth_date, "01.01.1990")
    form.sex.setCurrentIndex(form.sex.findData("m"))
    qtbot.keyClicks(form.iin, "050325600124")
    assert form.birth_date.text() == "01.01.1990"  # not overwritten
    assert form.sex.currentData() == "m"
    message = form.message_of("iin")
    assert "25.03.2005" in message or "other sex" in message


def test_a_corrected_iin_corrects_what_it_filled_in_but_not_what_was_typed(qtbot, clock):
    form = _form(qtbot)
    qtbot.keyClicks(form.iin, "050325600124")
    assert form.birth_date.text() == "25.03.2005"
    form.iin.clear()
    qtbot.keyClicks(form.iin, "900101300017")  # 01.01.1990, male
    assert form.birth_date.text() == "01.01.1990" and form.sex.currentData() == "m"
    # Now the user types their own birth date: a later IIN leaves it alone.
    form.birth_date.clear()
    qtbot.keyClicks(form.birth_date, "02.02.1990")
    form.iin.clear()
    qtbot.keyClicks(form.iin, "050325600124")
    assert form.birth_date.text() == "02.02.1990"
    assert form.sex.currentData() == "f"  # the sex was still the IIN's own


def test_digits_of_another_script_in_the_iin_are_refused_without_a_crash(qtbot, clock):
    form = _form(qtbot)
    type_text(form.iin, "９００１０１３０００１７")
    assert "0–9" in form.message_of("iin")
    assert form.birth_date.text() == ""
    type_text(form.phone, "+7 ⁷⁰¹ 123 45 67")
    assert form.phone.text() == "+7 ⁷⁰¹ 123 45 67"
    form.validate(final=True)
    assert "0–9" in form.message_of("phone")
