"""Writing a summary to a file in one of the four formats, with a clear message when the file cannot be written.

The file is first written beside the target under a temporary name and then moved into place, so a failed export
never leaves half a file where the old one was.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import ClassVar

from desktop.errors import DostyqError
from desktop.i18n import N_
from desktop.reports.csv_export import write_csv
from desktop.reports.files import (  # noqa: F401  (re-exported)
    DEFAULT_DELIMITER,
    FORMATS,
    SUFFIXES,
    default_file_name,
    record_export,
)
from desktop.reports.hxl import write_hxl
from desktop.reports.pdf import write_pdf
from desktop.reports.summary import MonthlySummary
from desktop.reports.xlsx import write_xlsx


class ReportWriteError(DostyqError):
    MESSAGES: ClassVar[dict[str, str]] = {
        "folder": N_(
            "Cannot save the report in {folder}: the folder is read-only or does not exist. "
            "Choose another folder."
        ),
        "locked": N_(
            "Cannot replace {path}: the file is open in another program (Excel?) or read-only. "
            "Close it and try again, or save under another name."
        ),
        "other": N_("Cannot save the report to {path}: {detail}"),
    }

    def __init__(self, kind: str, **params):
        self.kind = kind
        super().__init__(self.MESSAGES[kind], **params)


def export_report(
    summary: MonthlySummary,
    fmt: str,
    path: str | os.PathLike,
    lang: str = "kk",
    delimiter: str = DEFAULT_DELIMITER,
    progress=None,
    cancel=None,
) -> Path:
    """Writes the file; raises ReportWriteError (a message for the user) if it cannot."""

    def write(tmp: Path) -> None:
        if fmt == "xlsx":
            write_xlsx(summary, tmp, lang)
        elif fmt == "pdf":
            write_pdf(summary, tmp, lang)
        elif fmt == "csv":
            write_csv(summary, tmp, lang, delimiter)
        elif fmt == "hxl":
            write_hxl(summary, tmp, lang)
        else:
            raise ValueError(f"unknown report format {fmt!r}")

    return _write_in_place(write, path, progress)


def export_national(
    national,
    fmt: str,
    path: str | os.PathLike,
    lang: str = "kk",
    delimiter: str = DEFAULT_DELIMITER,
    progress=None,
    cancel=None,
) -> Path:
    """The national roll-up (desktop.reports.national.NationalRollup) with its region level, in one of the four
    formats; raises ReportWriteError (a message for the user) if it cannot be written."""
    from desktop.reports import national_export as ne

    def write(tmp: Path) -> None:
        if fmt == "xlsx":
            ne.write_national_xlsx(national, tmp, lang)
        elif fmt == "pdf":
            ne.write_national_pdf(national, tmp, lang)
        elif fmt == "csv":
            ne.write_national_csv(national, tmp, lang, delimiter)
        elif fmt == "hxl":
            ne.write_national_hxl(national, tmp, lang)
        else:
            raise ValueError(f"unknown report format {fmt!r}")

    return _write_in_place(write, path, progress)


def _write_in_place(write, path: str | os.PathLike, progress=None) -> Path:
    """`write(tmp)` writes a temporary file beside `path`, which then replaces `path` in one move."""
    target = Path(path)
    folder = target.parent
    if not folder.is_dir() or not os.access(folder, os.W_OK):
        raise ReportWriteError("folder", folder=str(folder))
    if progress:
        progress(0, 2)
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=".dostyq-", suffix=target.suffix, dir=folder)
        os.close(fd)
    except OSError:
        raise ReportWriteError("folder", folder=str(folder)) from None
    tmp = Path(tmp_name)
    try:
        write(tmp)
        if progress:
            progress(1, 2)
        try:
            if target.exists() and not os.access(target, os.W_OK):
                raise PermissionError(str(target))
            os.replace(tmp, target)
        except PermissionError:
            raise ReportWriteError("locked", path=str(target)) from None
    except OSError as exc:
        raise ReportWriteError("other", path=str(target), detail=exc.strerror or str(exc)) from None
    finally:
        if tmp.exists():
            tmp.unlink()
    if progress:
        progress(2, 2)
    return target


def export_rollup(
    report_rows,
    month: str,
    fmt: str,
    path: str | os.PathLike,
    *,
    lang: str = "kk",
    expected_houses=(),
    org: dict | None = None,
    delimiter: str = DEFAULT_DELIMITER,
):
    """The regional roll-up straight from `monthly_reports` rows (any versions, any houses) to a file: what
    `dostyq-server report --region KZ-xx --month YYYY-MM --format xlsx` needs. Returns the Rollup (its `missing`
    lists the houses that have not submitted)."""
    from desktop.reports.rollup import latest_versions, rollup

    result = rollup(
        [p for p in latest_versions(report_rows) if p.get("month") == month],
        month,
        expected_houses=expected_houses,
        org=org,
    )
    export_report(result.summary, fmt, path, lang, delimiter)
    return result
