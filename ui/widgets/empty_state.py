"""The "nothing found" state of a searchable list: a line over the empty view saying what was looked for.

Attach it to a view and give it the text typed (a callable): whenever the view's model has answered with no rows
while something is typed, it shows «Nothing found for “…”» in the middle of the view. With nothing typed an empty
list shows nothing extra (the list is simply empty). A query of punctuation only finds nobody (the core's search
matches no one), so it shows the same state."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QAbstractItemModel, QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractItemView, QLabel

from desktop.i18n import N_, _

NOTHING_FOUND = N_("Nothing found for «{query}»")
SHOWN_CHARS = 40


def nothing_found_text(query: str) -> str:
    typed = " ".join(query.split())
    if len(typed) > SHOWN_CHARS:
        typed = typed[: SHOWN_CHARS - 1] + "…"
    return _(NOTHING_FOUND).format(query=typed)


class EmptyState(QLabel):
    def __init__(self, view: QAbstractItemView, query: Callable[[], str]):
        viewport = view.viewport()
        super().__init__(viewport)
        self.view, self._query = view, query
        self.setObjectName("empty_state")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWordWrap(True)
        self.setStyleSheet("color: #666; font-size: 11pt; padding: 24px;")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.hide()
        viewport.installEventFilter(self)
        self._viewport = viewport
        self._model: QAbstractItemModel | None = None
        self.watch_model()

    def watch_model(self) -> None:
        """Follows the view's model (call again if the view is given another model)."""
        model = self.view.model()
        if model is None or model is self._model:
            return
        self._model = model
        for signal in (model.modelReset, model.rowsInserted, model.rowsRemoved, model.layoutChanged):
            signal.connect(self.update_state)

    def update_state(self, *_args) -> None:
        model = self.view.model()
        typed = self._query().strip()
        empty = model is not None and model.rowCount() == 0
        if empty and typed:
            self.setText(nothing_found_text(typed))
            self.setGeometry(self._viewport.rect())
            self.show()
            self.raise_()
        else:
            self.hide()

    @property
    def shown_text(self) -> str:
        return self.text() if not self.isHidden() else ""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and not self.isHidden():
            self.setGeometry(self._viewport.rect())
        return False

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.update_state()
        super().changeEvent(event)
