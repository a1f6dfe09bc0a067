"""Asked once on a new PC: the interface language and the house this PC belongs to (or later)."""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from desktop import reference
from desktop.i18n import LANGUAGE_NAMES, LANGUAGES, _, current_language
from ui.qt_i18n import apply_language


class FirstRunDialog(QDialog):
    def __init__(self, houses: list[dict], parent: QWidget | None = None):
        """`houses`: reference.active_houses(), read by the caller before the window (and its ops) exist."""
        super().__init__(parent)
        # Read once: retranslation only re-labels them.
        self._houses = list(houses)
        layout = QVBoxLayout(self)
        self.welcome = QLabel(self)
        self.welcome.setWordWrap(True)
        layout.addWidget(self.welcome)

        # Each language is named in itself, so the choice is readable before any language is set.
        self.language_group = QButtonGroup(self)
        for code in LANGUAGES:
            button = QRadioButton(LANGUAGE_NAMES[code], self)
            button.setProperty("lang", code)
            button.setChecked(code == current_language())
            self.language_group.addButton(button)
            layout.addWidget(button)
        self.language_group.buttonClicked.connect(self._on_language_clicked)

        form = QFormLayout()
        self.house_label = QLabel(self)
        self.house_combo = QComboBox(self)  # no house until one is chosen: a PC's records must not go astray
        self.house_combo.currentIndexChanged.connect(lambda _i: self._update_ok())
        form.addRow(self.house_label, self.house_combo)
        layout.addLayout(form)
        self.later = QCheckBox(self)
        self.later.toggled.connect(self.house_combo.setDisabled)
        self.later.toggled.connect(lambda _on: self._update_ok())
        layout.addWidget(self.later)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok, self)
        self.buttons.accepted.connect(self.accept)
        layout.addWidget(self.buttons)
        self.retranslate_ui()

    @property
    def language(self) -> str:
        button = self.language_group.checkedButton()
        assert button is not None  # the current language's button starts checked and the group is exclusive
        return button.property("lang")

    @property
    def house_id(self) -> str | None:
        return None if self.later.isChecked() else self.house_combo.currentData()

    def _update_ok(self) -> None:
        """OK only once a house is chosen, or the choice is left for later."""
        chosen = self.later.isChecked() or self.house_combo.currentIndex() >= 0
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(chosen)

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Welcome to Dostyq"))
        self.welcome.setText(
            _(
                "Choose the interface language and the house of friendship this PC keeps records for. "
                "Both can be changed later in Sync & settings."
            )
        )
        self.house_label.setText(_("House of friendship:"))
        current = self.house_combo.currentData()
        self.house_combo.blockSignals(True)
        self.house_combo.clear()
        for house in self._houses:
            self.house_combo.addItem(reference.localized(house), house["code"])
        self.house_combo.setPlaceholderText(_("Choose your house…"))
        self.house_combo.setCurrentIndex(self.house_combo.findData(current) if current else -1)
        self.house_combo.blockSignals(False)
        self.later.setText(_("Set up later"))
        self._update_ok()

    def _on_language_clicked(self, button) -> None:
        apply_language(button.property("lang"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)
