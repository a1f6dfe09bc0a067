"""Export file names and the audit of exports: light, so a screen can use them without loading the renderers."""

from __future__ import annotations

from desktop.reports.summary import MonthlySummary
from desktop.roles import requires

FORMATS = ("xlsx", "pdf", "csv", "hxl")
SUFFIXES = {"xlsx": ".xlsx", "pdf": ".pdf", "csv": ".csv", "hxl": ".hxl.csv"}
# CSV columns: ";" is what Excel set to Kazakh or Russian expects (decimals then with a comma); "," on request.
DEFAULT_DELIMITER = ";"


def default_file_name(summary: MonthlySummary, fmt: str, lang: str) -> str:
    code = (summary.org.get("code") or "dostyq").replace("/", "-")
    return f"{code}_{summary.month}_{lang}{SUFFIXES[fmt]}"


@requires("exports")
def record_export(
    store, summary: MonthlySummary, fmt: str, path: str, lang: str, progress=None, cancel=None
) -> None:
    """An audit entry for an export (which month, format and file; the figures are aggregates)."""
    with store.transaction():
        store.audit(
            "report_export",
            "monthly_reports",
            None,
            {"month": summary.month, "format": fmt, "language": lang, "file": str(path)},
        )


def export_in_worker(
    summary: MonthlySummary, fmt: str, path: str, lang: str, delimiter: str, progress=None, cancel=None
):
    """export.export_report for the task runner. The renderers (fpdf2, XlsxWriter) are imported here, on the
    worker thread, the first time a file is exported, so opening the Reports section stays quick."""
    from desktop.reports.export import export_report

    return export_report(summary, fmt, path, lang, delimiter, progress=progress, cancel=cancel)
