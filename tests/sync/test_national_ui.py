"""The roll-up tab with a national coordinator token, against a real server: every region above its houses with
subtotals and the national total, in kk and ru; a click shows a region's sum; the four exports with the region
level (XLSX read back); back to the houses list with a regional token."""

from __future__ import annotations

import json

import openpyxl
import pytest
from PySide6.QtCore import QCoreApplication, Qt

from desktop import roles
from desktop.settings import Settings
from tests.sync.test_national import HOUSE_A3, MONTH, country  # noqa: F401  (fixture)


@pytest.fixture
def page(qtbot, qapp, country):  # noqa: F811
    from PySide6.QtCore import QEvent

    from desktop.store import Store
    from ui.context import AppContext
    from ui.qt_i18n import apply_language
    from ui.reports.section import ReportsSection
    from ui.tasks import TaskRunner

    store = country["pc"]
    runner = TaskRunner(lambda: Store(store.path))
    ctx = AppContext(store, runner, Settings(), actor=roles.SYSTEM)
    section = ReportsSection(ctx)
    qtbot.addWidget(section)
    section.show_page("rollup")
    widget = section.rollup
    if widget.month_combo.findData(MONTH) < 0:
        widget.month_combo.addItem(MONTH, MONTH)
    widget.month_combo.setCurrentIndex(widget.month_combo.findData(MONTH))
    yield widget
    apply_language("en")
    QCoreApplication.sendPostedEvents()
    runner.shutdown()
    section.close()
    section.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)


def _switch(lang: str) -> None:
    from ui.qt_i18n import apply_language

    apply_language(lang)
    QCoreApplication.sendPostedEvents()  # LanguageChange reaches the widgets


def _fetch(qtbot, page, url, token):
    page.url_edit.setText(url)
    page.token_edit.setText(token)
    page.fetch_button.click()
    assert not page.fetch_button.isEnabled()  # off the UI thread
    qtbot.waitUntil(lambda: page.fetch_button.isEnabled(), timeout=30000)


def _rows(model) -> list[list[str]]:
    return [
        [model.data(model.index(r, c)) for c in range(model.columnCount())] for r in range(model.rowCount())
    ]


TEXTS = {
    "kk": {
        "scope": "Қазақстанның барлық өңірлері",
        "name": "Өңір немесе үй",
        "held": "Өткізілген іс-шаралар",
        "total": "Қазақстан, барлығы",
        "missing": "Әлі жіберілген жоқ",
        "of": "3 ішінен 2",
        "region": "Астана қаласы",
        "fetched": "Алынды. Әлі есеп жібермеген үйлер:",
        "sheet": "Өңір және үй бойынша",
    },
    "ru": {
        "scope": "Все регионы Казахстана",
        "name": "Регион или дом",
        "held": "Проведено мероприятий",
        "total": "Казахстан, итого",
        "missing": "Ещё не отправлен",
        "of": "2 из 3",
        "region": "город Астана",
        "fetched": "Получено. Домов, ещё не отправивших отчёт:",
        "sheet": "По регионам и домам",
    },
}


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_a_national_token_shows_regions_above_houses(qtbot, page, server, country, tmp_path, lang):  # noqa: F811
    _switch(lang)
    t = TEXTS[lang]
    _fetch(qtbot, page, server.url, country["national"])
    assert page.national, page.message_label.text()
    assert page.national_table.isVisibleTo(page) and not page.houses_table.isVisibleTo(page)
    assert page.region_label.text() == t["scope"]
    assert page.message_label.text().startswith(t["fetched"])
    model = page.national_model
    assert model.headerData(0, Qt.Orientation.Horizontal) == t["name"]
    assert model.headerData(2, Qt.Orientation.Horizontal).replace("\n", " ") == t["held"]
    rows = _rows(model)
    names = [r[0] for r in rows]
    region_at = names.index(t["region"])  # the region's line, its three houses indented under it
    assert [n.startswith("      ") for n in names[region_at : region_at + 4]] == [False, True, True, True]
    assert rows[region_at][1] == t["of"] and rows[region_at][2] == "9"
    assert rows[region_at + 3][1] == t["missing"] and rows[region_at + 3][2] == ""
    assert rows[-1][0] == t["total"] and rows[-1][2] == "109"
    assert model.data(model.index(region_at, 0), Qt.ItemDataRole.FontRole).bold()
    assert not model.data(model.index(region_at + 1, 0), Qt.ItemDataRole.FontRole)
    assert page.view.summary.current["events"]["held"] == 109  # the national sum below the table
    page.national_table.clicked.emit(model.index(region_at, 0))
    assert page.view.summary.current["events"]["held"] == 9  # the region's sum
    saved = json.loads(Settings.path().read_text(encoding="utf-8"))["extra"]
    assert saved["coordinator_scope"] == "national"

    # The four exports with the region level; the XLSX read back.
    page.lang_combo.setCurrentIndex(page.lang_combo.findData(lang))
    for fmt in ("xlsx", "pdf", "csv", "hxl"):
        target = tmp_path / f"national.{fmt}"
        page.start_export(fmt, str(target))
        qtbot.waitUntil(
            lambda target=target: page.fetch_button.isEnabled() and target.exists(), timeout=30000
        )
        assert target.stat().st_size > 0
    sheet = openpyxl.load_workbook(tmp_path / "national.xlsx")[t["sheet"]]
    by_code = {r[1]: r for r in sheet.iter_rows(values_only=True) if r[1]}
    assert (by_code["KZ-71"][4], by_code["KZ-75"][4], by_code["KZ"][4]) == (9, 100, 109)
    assert by_code[HOUSE_A3][3] == t["missing"]
    assert "#adm1+code" in (tmp_path / "national.hxl").read_text(encoding="utf-8")


def _tab_name(page) -> str:
    tabs = page.parent().parent()  # the page sits in the tab widget's stack
    return tabs.tabText(tabs.indexOf(page))


def test_the_national_table_follows_a_language_switch(qtbot, page, server, country):  # noqa: F811
    assert _tab_name(page) == "Regional roll-up"
    _fetch(qtbot, page, server.url, country["national"])
    assert _tab_name(page) == "National roll-up"
    _switch("ru")
    assert _tab_name(page) == "Национальная сводка"
    assert page.region_label.text() == TEXTS["ru"]["scope"]
    assert page.national_model.headerData(0, Qt.Orientation.Horizontal) == TEXTS["ru"]["name"]
    assert _rows(page.national_model)[-1][0] == TEXTS["ru"]["total"]
    assert page.export_buttons["pdf"].toolTip() == "Сохранить национальную сводку как PDF"
    _switch("kk")
    assert _rows(page.national_model)[-1][0] == TEXTS["kk"]["total"]
    assert page.message_label.text().startswith(TEXTS["kk"]["fetched"])


def test_a_regional_token_after_a_national_one_shows_its_houses(qtbot, page, server, country):  # noqa: F811
    _fetch(qtbot, page, server.url, country["national"])
    _fetch(qtbot, page, server.url, country["regional"])  # the national scope is asked first, then the region
    assert not page.national and page.houses_table.isVisibleTo(page)
    assert not page.national_table.isVisibleTo(page) and page.national_model.rowCount() == 0
    assert page.view.summary.current["events"]["held"] == 9
    saved = json.loads(Settings.path().read_text(encoding="utf-8"))["extra"]
    assert saved["coordinator_scope"] == "region"
    assert _tab_name(page) == "Regional roll-up"
    _fetch(qtbot, page, server.url, country["device"])
    assert "house PC" in page.message_label.text()
