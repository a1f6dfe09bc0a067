"""Opens every section and every dialog of the app in a real X window (xcb) on a 1366×768 screen whose taskbar
leaves 1366×728, in Kazakh and in Russian, and prints what does not fit: a window larger than the screen less its
title bar, or a label, button, check box, tab, group box or column header whose text is cut.

Run by tests/ui/test_fit.py under xvfb-run (one X server, one app, both languages); prints one JSON object per
problem and a last line `FIT_DONE <checked windows>`. Usable alone:

    xvfb-run -s "-screen 0 1366x768x24" .venv/bin/python tests/ui/fit_probe.py DB_PATH [--shots DIR]
"""

from __future__ import annotations

import ctypes
import datetime as dt
import importlib
import inspect
import json
import os
import pkgutil
import re
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(os.environ.get("DOSTYQ_PROBE_ROOT") or Path(__file__).resolve().parents[2])
sys.path.insert(0, str(ROOT))

SCREEN = (1366, 768)
WORK_AREA = (0, 0, 1366, 728)  # a 40 px taskbar at the bottom
# What the window manager of a house PC adds around a window (no window manager runs on Xvfb): title bar, borders.
FRAME = (16, 40)


def set_work_area(x: int, y: int, w: int, h: int) -> None:
    """Sets _NET_WORKAREA on the root window, as a desktop with a taskbar does (Qt reads it for availableGeometry)."""
    xlib = ctypes.cdll.LoadLibrary("libX11.so.6")
    xlib.XOpenDisplay.restype = ctypes.c_void_p
    xlib.XDefaultRootWindow.restype = ctypes.c_ulong
    xlib.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
    xlib.XInternAtom.restype = ctypes.c_ulong
    xlib.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
    xlib.XChangeProperty.argtypes = [
        ctypes.c_void_p,
        ctypes.c_ulong,
        ctypes.c_ulong,
        ctypes.c_ulong,
        ctypes.c_int,
        ctypes.c_int,
        ctypes.c_void_p,
        ctypes.c_int,
    ]
    xlib.XCloseDisplay.argtypes = [ctypes.c_void_p]
    xlib.XSync.argtypes = [ctypes.c_void_p, ctypes.c_int]
    display = xlib.XOpenDisplay(None)
    if not display:
        raise RuntimeError("no X display")
    root = xlib.XDefaultRootWindow(display)
    atom = xlib.XInternAtom(display, b"_NET_WORKAREA", 0)
    cardinal = xlib.XInternAtom(display, b"CARDINAL", 0)
    data = (ctypes.c_long * 4)(x, y, w, h)  # format 32 is passed as longs
    xlib.XChangeProperty(display, root, atom, cardinal, 32, 0, ctypes.cast(data, ctypes.c_void_p), 4)
    xlib.XSync(display, 0)
    # Kept open: the X server resets (and forgets the property) when its last client disconnects.
    _KEEP.append((xlib, display))


_KEEP: list = []


# ---- what a cut text is ----------------------------------------------------------------------------------------
def _plain(text: str) -> str:
    from PySide6.QtGui import QTextDocument

    if "<" in text and ">" in text:
        doc = QTextDocument()
        doc.setHtml(text)
        return doc.toPlainText()
    return text


def _mnemonic_free(text: str) -> str:
    return re.sub(r"&(.)", r"\1", text)


def widget_problems(window) -> list[dict]:
    """Every visible text widget of `window` whose text does not fit it."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import (
        QCheckBox,
        QGroupBox,
        QHeaderView,
        QLabel,
        QPushButton,
        QRadioButton,
        QStyle,
        QStyleOptionButton,
        QTabBar,
        QTableView,
        QWidget,
    )

    found: list[dict] = []

    def report(widget, kind: str, text: str, need: int, have: int) -> None:
        found.append(
            {
                "window": type(window).__name__,
                "title": window.windowTitle(),
                "widget": f"{type(widget).__name__} {widget.objectName()}".strip(),
                "kind": kind,
                "text": text,
                "need": need,
                "have": have,
            }
        )

    for widget in [window, *window.findChildren(QWidget)]:
        if not widget.isVisible() or widget.window() is not window:
            continue
        fm = widget.fontMetrics()
        if isinstance(widget, QLabel) and widget.text() and widget.pixmap().isNull():
            text = _plain(widget.text())
            rect = widget.contentsRect()
            margin = widget.margin() * 2 + max(0, widget.indent())
            if widget.wordWrap():
                need_h = widget.heightForWidth(widget.width())
                if need_h > widget.height() + 1:
                    report(widget, "label height", text, need_h, widget.height())
                longest = max((fm.horizontalAdvance(w) for w in text.split()), default=0)
                if longest > rect.width() - margin + 1:
                    report(widget, "label word", text, longest, rect.width())
            else:
                need = max(fm.horizontalAdvance(line) for line in text.split("\n"))
                if need > rect.width() - margin + 1:
                    report(widget, "label", text, need, rect.width() - margin)
                lines = text.count("\n") + 1
                if fm.height() * lines > rect.height() + 2:
                    report(widget, "label height", text, fm.height() * lines, rect.height())
        elif isinstance(widget, QPushButton) and widget.text():
            text = _mnemonic_free(widget.text())
            option = QStyleOptionButton()
            widget.initStyleOption(option)
            contents = widget.style().subElementRect(QStyle.SubElement.SE_PushButtonContents, option, widget)
            need = fm.horizontalAdvance(text)
            if not widget.icon().isNull():
                need += widget.iconSize().width() + 4
            if need > contents.width() + 1:
                report(widget, "button", text, need, contents.width())
        elif isinstance(widget, QCheckBox | QRadioButton) and widget.text():
            text = _mnemonic_free(widget.text())
            option = QStyleOptionButton()
            widget.initStyleOption(option)
            element = (
                QStyle.SubElement.SE_CheckBoxContents
                if isinstance(widget, QCheckBox)
                else QStyle.SubElement.SE_RadioButtonContents
            )
            contents = widget.style().subElementRect(element, option, widget)
            need = fm.horizontalAdvance(text)
            if need > contents.width() + 1:
                report(widget, "check box", text, need, contents.width())
        elif isinstance(widget, QTabBar):
            space = widget.style().pixelMetric(QStyle.PixelMetric.PM_TabBarTabHSpace, None, widget)
            for i in range(widget.count()):
                if not widget.isTabVisible(i):
                    continue
                text = _mnemonic_free(widget.tabText(i))
                rect = widget.tabRect(i)
                need = fm.horizontalAdvance(text) + space // 2
                if not widget.tabIcon(i).isNull():
                    need += widget.iconSize().width() + 4
                if (
                    need > rect.width()
                    or rect.right() > widget.width()
                    or (widget.count() > 1 and rect.left() < 0)
                ):
                    report(widget, "tab", text, need, rect.width())
        elif isinstance(widget, QGroupBox) and widget.title():
            text = _mnemonic_free(widget.title())
            need = fm.horizontalAdvance(text) + (24 if widget.isCheckable() else 8)
            if need > widget.width():
                report(widget, "group box", text, need, widget.width())
        elif isinstance(widget, QHeaderView) and widget.orientation() == Qt.Orientation.Horizontal:
            model = widget.model()
            if model is None:
                continue
            margin = widget.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, widget)
            mark = widget.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMarkSize, None, widget)
            hfm = widget.fontMetrics()
            for logical in range(model.columnCount()):
                if widget.isSectionHidden(logical):
                    continue
                text = model.headerData(logical, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
                if not text:
                    continue
                text = str(text)
                need = max(hfm.horizontalAdvance(line) for line in text.split("\n")) + 2 * margin
                if widget.isSortIndicatorShown() and widget.sortIndicatorSection() == logical:
                    need += mark + margin
                have = widget.sectionSize(logical)
                if need > have + 1:
                    report(widget, "header", text, need, have)
        elif isinstance(widget, QTableView):
            cell_problems(widget, report)
    return found


def cell_problems(view, report) -> None:
    """A table's visible cells: a text cut with "…" must have a tooltip with all of it; a wrapped one must fit."""
    from PySide6.QtCore import QRect, Qt
    from PySide6.QtWidgets import QStyle

    model = view.model()
    if model is None:
        return
    fm = view.fontMetrics()
    pad = 2 * (view.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view) + 1)
    viewport = view.viewport().rect()
    for row in range(min(model.rowCount(), 40)):
        top = view.rowViewportPosition(row)
        height = view.rowHeight(row)
        if top < 0 or top + height > viewport.height() or view.isRowHidden(row):
            continue
        for col in range(model.columnCount()):
            left = view.columnViewportPosition(col)
            width = view.columnWidth(col)
            if view.isColumnHidden(col) or left < 0 or left + width > viewport.width():
                continue
            index = model.index(row, col)
            text = index.data(Qt.ItemDataRole.DisplayRole)
            if not isinstance(text, str) or not text:
                continue
            if index.data(Qt.ItemDataRole.DecorationRole) is not None:
                continue
            room = width - pad
            longest = max((fm.horizontalAdvance(word) for word in text.split()), default=0)
            if view.wordWrap() and longest > room + 1 and col == 0 and view.objectName() == "figures":
                # A wrapped indicator name cut inside a word ("Қатысушыл…"): a tooltip does not excuse it.
                report(view, "cell word", text, longest, room)
            if view.wordWrap():
                need = fm.boundingRect(QRect(0, 0, room, 10_000), Qt.TextFlag.TextWordWrap, text).height()
                if need > height and not index.data(Qt.ItemDataRole.ToolTipRole):
                    report(view, "cell height", text, need, height)
            elif fm.horizontalAdvance(text) > room + 1 and not index.data(Qt.ItemDataRole.ToolTipRole):
                report(view, "cell", text, fm.horizontalAdvance(text), room)


def window_problems(window) -> list[dict]:
    """The window itself: its frame (title bar and borders added) must fit the work area."""
    geometry = window.frameGeometry()
    frame_w = FRAME[0] if geometry == window.geometry() else 0
    frame_h = FRAME[1] if geometry == window.geometry() else 0
    x, y, w, h = WORK_AREA
    width, height = geometry.width() + frame_w, geometry.height() + frame_h
    problems = []
    if width > w or height > h or geometry.left() < x or geometry.top() < y:
        problems.append(
            {
                "window": type(window).__name__,
                "title": window.windowTitle(),
                "kind": "window",
                "text": f"{width}x{height} at {geometry.left()},{geometry.top()}",
                "need": [width, height],
                "have": [w, h],
            }
        )
    return problems


# ---- the app ---------------------------------------------------------------------------------------------------
class Probe:
    def __init__(self, db_path: Path, shots: Path | None):
        from PySide6.QtWidgets import QApplication

        from desktop import demo
        from desktop.settings import Settings
        from desktop.store import Store
        from ui.app import _demo_actor
        from ui.context import AppContext
        from ui.fonts import register_fonts
        from ui.qt_i18n import apply_language
        from ui.tasks import TaskRunner

        self.app = QApplication.instance() or QApplication(["dostyq"])
        register_fonts(self.app)
        try:
            from ui.widgets import fit
        except ImportError:  # an older tree, probed to show what this test finds there
            fit = None
        if fit is not None:
            fit.install(self.app)
        apply_language("kk")
        self.store = Store(db_path)
        if demo.is_empty(self.store):
            demo.fill(self.store)
        self.runner = TaskRunner(lambda: Store(db_path))
        self.ctx = AppContext(self.store, self.runner, Settings())
        self.ctx.actor = self.store.actor = _demo_actor(self.store, "admin")
        self.shots = shots
        self.problems: list[dict] = []
        self.checked = 0
        self.window = None

    def settle(self, ms: int = 30) -> None:
        from PySide6.QtCore import QDeadlineTimer, QEventLoop

        deadline = QDeadlineTimer(ms)
        while not deadline.hasExpired() or not self.runner.is_idle():
            self.app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
            if QDeadlineTimer(0).deadline() > deadline.deadline() + 10_000:
                break

    def check(self, window, label: str) -> None:
        self.settle()
        self.checked += 1
        for problem in window_problems(window) + widget_problems(window):
            problem["where"] = label
            problem["lang"] = self.lang
            self.problems.append(problem)
        if self.shots is not None:
            name = re.sub(r"[^a-z0-9_]+", "_", label.lower())
            window.grab().save(str(self.shots / f"{self.lang}_{name}.png"))

    # ---- sections ------------------------------------------------------------------------------------------
    def main_window(self):
        from ui.main_window import MainWindow
        from ui.session import Session

        if self.window is None:
            self.window = MainWindow(self.ctx, Session(self.ctx))
            self.window.show()
            self.settle(200)
        return self.window

    def sections(self) -> None:
        from PySide6.QtWidgets import QTabWidget

        from ui.sidebar import SECTIONS

        window = self.main_window()
        for spec in SECTIONS:
            window.show_section(spec.key)
            self.settle()
            page = window.page(spec.key)
            self.check(window, f"section {spec.key}")
            for tabs in page.findChildren(QTabWidget):
                if not tabs.isVisible():
                    continue
                for i in range(tabs.count()):
                    if tabs.isTabVisible(i) and tabs.isTabEnabled(i):
                        tabs.setCurrentIndex(i)
                        self.check(window, f"section {spec.key} tab {i}")
                tabs.setCurrentIndex(0)
        # The events list (the calendar is the default).
        events = window.page("events")
        window.show_section("events")
        events.list_button.click()
        self.check(window, "section events list")
        events.calendar_button.click()

    # ---- dialogs -------------------------------------------------------------------------------------------
    def open(self, label: str, make: Callable[[], object]) -> None:
        from PySide6.QtWidgets import QApplication, QDialog, QStackedWidget

        before = set(map(id, QApplication.topLevelWidgets()))
        made = make()
        self.settle(60)
        dialog = made if isinstance(made, QDialog) else None
        if dialog is None:
            shown = [w for w in QApplication.topLevelWidgets() if id(w) not in before and w.isVisible()]
            dialog = next((w for w in shown if isinstance(w, QDialog)), None)
        if dialog is None:
            self.problems.append({"kind": "not opened", "where": label, "lang": self.lang})
            return
        if not dialog.isVisible():
            dialog.show()
        self.settle(60)
        self.check(dialog, label)
        # A dialog in steps (the import wizard): each step.
        for stack in dialog.findChildren(QStackedWidget):
            if stack.parent() is dialog or stack.objectName() == "steps":
                for i in range(1, stack.count()):
                    stack.setCurrentIndex(i)
                    self.check(dialog, f"{label} step {i}")
        self.opened.add(type(dialog).__qualname__)
        dialog.hide()
        dialog.deleteLater()
        self.settle(20)

    def dialogs(self) -> None:
        from desktop import reference
        from desktop.aid import rules as aid_rules
        from ui.aid.donation_dialog import DonationDialog
        from ui.aid.double_aid_dialog import DoubleAidDialog
        from ui.aid.reason_dialog import ReasonDialog
        from ui.aid.receipt_dialog import ReceiptDialog
        from ui.aid.recipient_dialog import RecipientDialog
        from ui.aid.stock_page import StockTakeDialog
        from ui.dialogs.first_run_dialog import FirstRunDialog
        from ui.dialogs.sign_in_dialog import SignInDialog
        from ui.events.event_dialog import EventDialog
        from ui.events.presets_dialog import PresetsDialog
        from ui.events.sign_in_sheet_dialog import SignInSheetDialog
        from ui.groups.association_dialog import AssociationDialog
        from ui.groups.group_dialog import GroupDialog
        from ui.importing.wizard import ImportWizard
        from ui.settings.accounts_page import AccountDialog
        from ui.settings.backups_page import RecoveryKeyDialog, RestoreDialog, SetUpDialog
        from ui.settings.merge_page import MergeDialog
        from ui.volunteers.kiosk_dialog import KioskDialog
        from ui.volunteers.letter_dialog import LetterDialog
        from ui.volunteers.shift_dialog import ShiftDialog
        from ui.volunteers.volunteer_dialog import SkillDialog, VolunteerDialog
        from ui.widgets.duplicate_dialog import DuplicateDialog
        from ui.widgets.new_person_dialog import NewPersonDialog
        from ui.widgets.progress_dialog import TaskProgressDialog

        store, ctx = self.store, self.ctx
        window = self.main_window()

        def first(table: str, where: str = "deleted = 0") -> str:
            row = store.conn.execute(f"SELECT id FROM {table} WHERE {where} ORDER BY id LIMIT 1").fetchone()
            return row[0]

        event_id = first("events")
        group_id = store.conn.execute(
            "SELECT group_id FROM group_members WHERE deleted = 0 GROUP BY group_id ORDER BY count(*) DESC LIMIT 1"
        ).fetchone()[0]
        association_id = first("associations")
        volunteer_id = first("volunteers")
        recipient_id = first("recipients")
        people_rows = [dict(r) for r in store.conn.execute("SELECT * FROM people WHERE deleted = 0 LIMIT 2")]
        account = dict(store.conn.execute("SELECT * FROM accounts WHERE deleted = 0 LIMIT 1").fetchone())
        rule = aid_rules.Rule(id="r", programme="mektepke_zhol", period="school_year")
        earlier = aid_rules.EarlierAid(
            aid_id="a",
            number="A-0001",
            given_on=dt.date(2026, 9, 1),
            aid_point="Орталық",
            given_by="Айгүл",
            recipient_id=None,
        )
        breach = aid_rules.Breach(
            rule=rule, window=(dt.date(2026, 9, 1), dt.date(2027, 8, 31)), earlier=(earlier,)
        )
        from desktop import people
        from desktop.aid import OverrideNeeded, Shortage
        from desktop.aid.eligibility import Ineligible

        double_aid = OverrideNeeded(
            breaches=[breach], recipient="Асқаров Нұрлан", programme_name="Мектепке жол"
        )
        everything = OverrideNeeded(
            breaches=[breach],
            shortages=[Shortage(1, "item-backpack", "Мектеп сөмкесі", 1000, -100)],
            ineligible=Ineligible("mektepke_zhol", 6, 18, age=20),
            recipient="Асқаров Нұрлан",
            programme_name="Мектепке жол",
        )
        aid_id = first("aid_given")
        duplicate = people.find_duplicates(store, people.form_values(people_rows[0]))
        catalogue = window.page("aid").findChild(
            importlib.import_module("ui.aid.catalogue_page").CataloguePage
        )
        houses = reference.active_houses(store.conn)
        from ui.tasks import Task

        task = Task(lambda **_kw: None, (), {})  # never started: its progress dialog stays up

        makers: dict[str, list[tuple[str, Callable[[], object]]]] = {
            "EventDialog": [
                ("event new", lambda: EventDialog(ctx, parent=window)),
                ("event edit", lambda: EventDialog(ctx, event_id, parent=window)),
            ],
            "SignInSheetDialog": [("sign-in sheet", lambda: SignInSheetDialog(ctx, event_id, parent=window))],
            "GroupDialog": [
                ("group new", lambda: GroupDialog(ctx, parent=window)),
                ("group edit", lambda: GroupDialog(ctx, group_id, parent=window)),
            ],
            "AssociationDialog": [
                ("association new", lambda: AssociationDialog(ctx, parent=window)),
                ("association edit", lambda: AssociationDialog(ctx, association_id, parent=window)),
            ],
            "VolunteerDialog": [
                ("volunteer new", lambda: VolunteerDialog(ctx, parent=window)),
                ("volunteer edit", lambda: VolunteerDialog(ctx, volunteer_id, parent=window)),
            ],
            "SkillDialog": [("skill new", lambda: SkillDialog(ctx, window))],
            "ShiftDialog": [("shift add", lambda: ShiftDialog(ctx, "add", volunteer_id, parent=window))],
            "LetterDialog": [("letter", lambda: LetterDialog(ctx, volunteer_id, parent=window))],
            "KioskDialog": [],  # full screen by design: checked below for its texts only
            "RecipientDialog": [
                ("recipient new", lambda: RecipientDialog(ctx, parent=window)),
                ("recipient edit", lambda: RecipientDialog(ctx, recipient_id=recipient_id, parent=window)),
            ],
            "DonationDialog": [("donation new", lambda: DonationDialog(ctx, window))],
            "DoubleAidDialog": [
                ("double aid", lambda: DoubleAidDialog(double_aid, window)),
                ("override of everything", lambda: DoubleAidDialog(everything, window, allowed=False)),
            ],
            "ReceiptDialog": [("receipt", lambda: ReceiptDialog(ctx, aid_id, "A-0001", window))],
            "ReasonDialog": [("reason", lambda: ReasonDialog("Title", "Why?", window))],
            "StockTakeDialog": [("stock take", lambda: StockTakeDialog(ctx, parent=window))],
            "RecordDialog": [
                ("aid point new", lambda: catalogue._edit_point(None)),
                ("aid item new", lambda: catalogue._edit_item(None)),
                ("programme rule new", lambda: catalogue._on_add_rule_button_clicked()),
            ],
            "FirstRunDialog": [("first run", lambda: FirstRunDialog(houses))],
            "SignInDialog": [
                ("sign in", lambda: SignInDialog(ctx)),
                ("sign in first", lambda: SignInDialog(ctx, first=True)),
            ],
            "PresetsDialog": [("holidays", lambda: PresetsDialog(ctx, 2026, window))],
            "ImportWizard": [("import wizard", lambda: ImportWizard(ctx, "volunteers", window))],
            "AccountDialog": [
                ("account new", lambda: AccountDialog(ctx, parent=window)),
                ("account edit", lambda: AccountDialog(ctx, account, window)),
            ],
            "SetUpDialog": [("backup set up", lambda: SetUpDialog(ctx, "/tmp", False, window))],
            "RecoveryKeyDialog": [
                ("recovery key", lambda: RecoveryKeyDialog("ABCD-EFGH-IJKL-MNOP-QRST", window))
            ],
            "RestoreDialog": [("restore", lambda: RestoreDialog(ctx, "/tmp/none.dqbackup", window))],
            "MergeDialog": [("merge", lambda: MergeDialog(ctx, people_rows[0], people_rows[1], window))],
            "DuplicateDialog": [("duplicates", lambda: DuplicateDialog(duplicate or [], window))],
            "NewPersonDialog": [("new person", lambda: NewPersonDialog(ctx, "Асқар", window))],
            "TaskProgressDialog": [
                ("progress", lambda: _shown(TaskProgressDialog(task, "Exporting…", window)))
            ],
        }
        self.missing = sorted(set(dialog_classes()) - set(makers))
        for label_makers in makers.values():
            for label, make in label_makers:
                self.open(label, make)
        kiosk = KioskDialog(ctx, window)
        kiosk.showFullScreen()
        kiosk.setGeometry(kiosk.screen().geometry())  # no window manager makes it full screen on Xvfb
        self.settle(60)
        for problem in widget_problems(kiosk):
            problem.update(where="kiosk", lang=self.lang)
            self.problems.append(problem)
        kiosk.hide()
        kiosk.deleteLater()

    def run(self) -> None:
        self.opened: set[str] = set()
        for lang in ("kk", "ru"):
            self.lang = lang
            if lang != "kk":
                self.ctx.switch_language(lang)
                self.settle(200)
            self.sections()
            self.dialogs()
        for name in self.missing:
            self.problems.append({"kind": "dialog not opened by the probe", "where": name, "lang": "-"})


def self_check(probe: Probe) -> None:
    """The checks themselves: a dialog too tall for the work area and a cut label must be reported."""
    from PySide6.QtWidgets import QDialog, QLabel, QVBoxLayout

    dialog = QDialog()
    dialog.setProperty("dostyq_fitted", True)  # not fitted by the app, as a dialog would be without it
    layout = QVBoxLayout(dialog)
    label = QLabel("Қатысушылардың барлығы", dialog)
    label.setFixedWidth(60)
    layout.addWidget(label)
    dialog.setMinimumSize(860, 780)
    dialog.show()
    probe.settle(60)
    kinds = {p["kind"] for p in window_problems(dialog) + widget_problems(dialog)}
    dialog.hide()
    dialog.deleteLater()
    print(
        "SELF_CHECK " + ("ok" if {"window", "label"} <= kinds else "failed " + ",".join(sorted(kinds))),
        flush=True,
    )


def _shown(dialog):
    dialog.show()
    return dialog


def dialog_classes() -> list[str]:
    """Every dialog class the app defines (ui/), found by importing each module: a new dialog must be added above."""
    from PySide6.QtWidgets import QDialog

    import ui

    names = set()
    for module in pkgutil.walk_packages(ui.__path__, "ui."):
        mod = importlib.import_module(module.name)
        for _name, cls in inspect.getmembers(mod, inspect.isclass):
            if (
                issubclass(cls, QDialog)
                and cls.__module__ == mod.__name__
                and not cls.__name__.startswith("_")
            ):
                names.add(cls.__qualname__)
    return sorted(names)


def main() -> int:
    db = Path(sys.argv[1])
    shots = Path(sys.argv[sys.argv.index("--shots") + 1]) if "--shots" in sys.argv else None
    if shots:
        shots.mkdir(parents=True, exist_ok=True)
    os.environ["QT_QPA_PLATFORM"] = "xcb"
    set_work_area(*WORK_AREA)
    probe = Probe(db, shots)
    self_check(probe)
    probe.run()
    for problem in probe.problems:
        print(json.dumps(problem, ensure_ascii=False), flush=True)
    print(f"FIT_DONE {probe.checked}", flush=True)
    probe.runner.shutdown()
    probe.store.close()
    os._exit(0)  # no teardown of half-closed dialogs: the report is out


if __name__ == "__main__":
    sys.exit(main())
