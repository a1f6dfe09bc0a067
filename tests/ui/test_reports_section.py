"""The Reports section: dashboard of this month, monthly report preview, export (and its errors), submit."""

import datetime as dt
import json

import pytest

from tests.unit.reports import fixture_month

TODAY = dt.date(2026, 11, 20)


@pytest.fixture
def section(qtbot, ctx, ui_lang, clock):
    clock.set(dt.datetime(2026, 11, 20, 12, 0))
    ui_lang("kk")
    fixture_month.build(ctx.store)
    from ui.reports.section import ReportsSection

    widget = ReportsSection(ctx)
    qtbot.addWidget(widget)
    widget.resize(1100, 700)
    widget.show()
    widget.refresh()
    return widget


def _wait_summary(qtbot, page):
    qtbot.waitUntil(lambda: page.summary is not None and page.view.model.rowCount() > 0, timeout=20000)


def test_opens_on_this_month_with_charts_and_the_reminder(qtbot, section):
    assert section.tabs.currentWidget() is section.dashboard
    _wait_summary(qtbot, section.dashboard)
    summary = section.dashboard.summary
    assert summary.month == "2026-11" and summary.partial
    assert "қараша" in section.dashboard.heading.text()
    assert section.dashboard.view.series_chart.series  # the 12-month line has data
    # activity since October 2025, nothing submitted: the twelve full months up to October 2026 are awaited
    assert section.dashboard.reminder_label.text() == "12 айлық есеп әлі жіберілген жоқ"
    section.dashboard.reminder_button.click()
    assert section.tabs.currentWidget() is section.report
    assert section.report.month == "2026-10"


def test_monthly_report_preview_defaults_to_last_full_month(qtbot, section):
    section.show_page("report")
    assert section.report.month == "2026-10"
    _wait_summary(qtbot, section.report)
    model = section.report.view.model
    texts = [model.index(r, 0).data() for r in range(model.rowCount())]
    assert "Өткізілген іс-шаралар" in texts
    row = texts.index("Өткізілген іс-шаралар")
    assert model.index(row, 1).data() == "3"
    chart = section.report.view.programme_chart
    assert chart.labels == ["Жүректен жүрекке", "Қамқор", "Мектепке жол"] and chart.values == [2, 1, 1]
    assert section.report.submission_label.text() == "Әлі жіберілген жоқ"


def test_language_switch_retranslates_the_preview(qtbot, section, ui_lang):
    section.show_page("report")
    _wait_summary(qtbot, section.report)
    ui_lang("ru")
    qtbot.waitUntil(lambda: section.tabs.tabText(1) == "Ежемесячный отчёт", timeout=20000)
    model = section.report.view.model
    assert "Проведено мероприятий" in [model.index(r, 0).data() for r in range(model.rowCount())]
    assert section.report.month_combo.currentText().startswith("октябрь 2026")


def test_export_writes_the_file_and_an_unwritable_target_explains(qtbot, section, tmp_path):
    section.show_page("report")
    _wait_summary(qtbot, section.report)
    page = section.report
    page.lang_combo.setCurrentIndex(page.lang_combo.findData("both"))
    target = tmp_path / "october.xlsx"
    page.start_export("xlsx", str(target))
    qtbot.waitUntil(
        lambda: target.exists() and page.message_label.text().startswith("Сақталды"), timeout=10000
    )
    assert not page.progress.isVisible()

    page.start_export("pdf", str(tmp_path / "missing folder" / "october.pdf"))
    qtbot.waitUntil(lambda: "missing folder" in page.message_label.text(), timeout=10000)
    assert "қалта" in page.message_label.text()  # the folder message, in Kazakh
    assert page.export_buttons["pdf"].isEnabled()  # the app carries on


def test_submit_then_resubmit(qtbot, section, ctx):
    section.show_page("report")
    _wait_summary(qtbot, section.report)
    page = section.report
    page.submit_button.click()
    qtbot.waitUntil(lambda: "1-нұсқа" in page.message_label.text(), timeout=20000)
    assert "1-нұсқа" in page.submission_label.text()
    page.submit_button.click()
    qtbot.waitUntil(lambda: "ештеңе өзгерген жоқ" in page.message_label.text(), timeout=20000)
    rows = ctx.store.rows("SELECT version, payload FROM monthly_reports WHERE month = '2026-10'")
    assert [r["version"] for r in rows] == [1]
    assert json.loads(rows[0]["payload"])["current"]["events"]["held"] == 3
