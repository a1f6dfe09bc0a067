"""The first start asks for the house and never picks one on its own: a placeholder, OK off until a house is
chosen or the choice is left for later."""

from __future__ import annotations

from PySide6.QtWidgets import QDialogButtonBox


def test_no_house_is_chosen_until_the_user_chooses(qtbot, store, ui_lang):
    from desktop import reference
    from ui.dialogs.first_run_dialog import FirstRunDialog

    ui_lang("ru")
    dialog = FirstRunDialog(reference.active_houses(store.conn))
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert dialog.house_combo.currentIndex() == -1 and dialog.house_id is None
    assert dialog.house_combo.placeholderText() == "Выберите свой дом дружбы…"
    assert not ok.isEnabled()
    dialog.later.setChecked(True)
    assert ok.isEnabled() and dialog.house_id is None
    dialog.later.setChecked(False)
    assert not ok.isEnabled()
    pavlodar = dialog.house_combo.findData("KZ-55-01")
    dialog.house_combo.setCurrentIndex(pavlodar)
    assert ok.isEnabled() and dialog.house_id == "KZ-55-01"
    ui_lang("kk")  # the choice survives a language switch, now named in Kazakh
    dialog.retranslate_ui()
    assert (
        dialog.house_id == "KZ-55-01" and dialog.house_combo.currentText() == "Павлодар облысының Достық үйі"
    )
    assert dialog.house_combo.placeholderText() == "Достық үйіңізді таңдаңыз…"
