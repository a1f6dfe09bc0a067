"""Reading a spreadsheet into rows of cells, whatever its format: XLSX (openpyxl, read-only), a legacy Excel 97–2003
.xls workbook (python-calamine), or CSV in UTF-8 (with or without BOM) or cp1251, separated by `;` or `,`, with CRLF or LF line ends. Each row keeps the number the
spreadsheet shows it under (for CSV, the 1-based record number). The size is checked before anything is read."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop.importing.errors import MAX_BYTES, ImportFileError

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"


@dataclass
class Sheet:
    """The rows of one sheet: (row number as shown, cells). `encoding` and `delimiter` are those of a CSV file."""

    name: str
    rows: list[tuple[int, list[Any]]]
    sheet_names: list[str] = field(default_factory=list)
    encoding: str | None = None
    delimiter: str | None = None


def read_sheet(
    path: str | Path,
    *,
    sheet: str | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    max_bytes: int = MAX_BYTES,
) -> Sheet:
    """The rows of `sheet` (the first sheet by default) of an XLSX or XLS workbook, or of a CSV file. `encoding`
    and `delimiter` override what is detected. Raises ImportFileError with the reason."""
    path = Path(path)
    name = path.name
    if not path.is_file():
        raise ImportFileError("missing", name=name)
    size = path.stat().st_size
    if size > max_bytes:
        raise ImportFileError("too_big", name=name)
    if size == 0:
        raise ImportFileError("empty", name=name)
    with open(path, "rb") as fh:
        head = fh.read(8)
    if head.startswith(_OLE2):
        # An encrypted OOXML workbook is an OLE2 container holding "EncryptedPackage"; any other is a legacy .xls.
        data = path.read_bytes()
        if "EncryptedPackage".encode("utf-16-le") in data or b"EncryptedPackage" in data:
            raise ImportFileError("protected", name=name)
        return _read_xls(path, sheet)
    if head.startswith(_ZIP):
        return _read_xlsx(path, sheet)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        raise ImportFileError("corrupt", name=name)
    return _read_csv(path, encoding, delimiter)


def _read_xlsx(path: Path, sheet: str | None) -> Sheet:
    import openpyxl

    name = path.name
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise ImportFileError("corrupt", name=name) from exc
    except Exception as exc:
        raise ImportFileError("corrupt", name=name) from exc
    try:
        names = list(book.sheetnames)
        if sheet is not None and sheet not in names:
            raise ImportFileError("no_sheet", name=name, sheet=sheet)
        ws = book[sheet or names[0]]
        rows: list[tuple[int, list[Any]]] = []
        try:
            # Values only (no cell objects); rows missing from the file come as empty ones, so the count is the
            # row number the sheet shows.
            for number, row in enumerate(ws.iter_rows(values_only=True), start=1):
                cells = list(row)
                while cells and (cells[-1] is None or cells[-1] == ""):
                    cells.pop()
                if cells:
                    rows.append((number, cells))
        except (zipfile.BadZipFile, KeyError, ValueError) as exc:
            raise ImportFileError("corrupt", name=name) from exc
        merged = _merged_ranges(path, getattr(ws, "_worksheet_path", None))
        return Sheet(ws.title, _fill_merged(rows, merged) if merged else rows, names)
    finally:
        book.close()


def _read_xls(path: Path, sheet: str | None) -> Sheet:
    """A legacy .xls workbook, read by python-calamine: the cells' values (a formula's last result, as Excel
    saved it), empty cells as None, merged ranges filled as for XLSX when the reader reports them."""
    import python_calamine as calamine

    name = path.name
    try:
        book = calamine.CalamineWorkbook.from_path(str(path))
    except calamine.PasswordError as exc:
        raise ImportFileError("protected", name=name) from exc
    except Exception as exc:  # the reader's own errors (CalamineError and others) all mean it cannot be read
        raise ImportFileError("corrupt", name=name) from exc
    try:
        names = list(book.sheet_names)
        if not names:
            raise ImportFileError("corrupt", name=name)
        if sheet is not None and sheet not in names:
            raise ImportFileError("no_sheet", name=name, sheet=sheet)
        try:
            ws = book.get_sheet_by_name(sheet or names[0])
            # From A1, so each row keeps the number the sheet shows it under.
            grid = ws.to_python(skip_empty_area=False)
        except Exception as exc:
            raise ImportFileError("corrupt", name=name) from exc
        rows: list[tuple[int, list[Any]]] = []
        for number, row in enumerate(grid, start=1):
            cells = [None if c == "" else c for c in row]
            while cells and cells[-1] is None:
                cells.pop()
            if cells:
                rows.append((number, cells))
        merged = [
            (r1 + 1, c1, r2 + 1, c2) for (r1, c1), (r2, c2) in (getattr(ws, "merged_cell_ranges", None) or [])
        ]
        return Sheet(ws.name, _fill_merged(rows, merged) if merged else rows, names)
    finally:
        book.close()


_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')


def _column(letters: bytes) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + ch - 64
    return number - 1


def _merged_ranges(path: Path, member: str | None) -> list[tuple[int, int, int, int]]:
    """The merged ranges of a sheet as (first row, first column index, last row, last column index). A read-only
    worksheet does not read them, so they are taken from the sheet's XML."""
    if not member:
        return []
    try:
        with zipfile.ZipFile(path) as archive:
            data = archive.read(member)
    except (KeyError, zipfile.BadZipFile, OSError):
        return []
    return [(int(r1), _column(c1), int(r2), _column(c2)) for c1, r1, c2, r2 in _MERGE.findall(data)]


def _fill_merged(
    rows: list[tuple[int, list[Any]]], merged: list[tuple[int, int, int, int]]
) -> list[tuple[int, list[Any]]]:
    """Every cell of a merged range holds the value of its first cell, as the sheet shows it (a group's name merged
    down over its members). Rows only inside a range are added."""
    by_number = {number: cells for number, cells in rows}
    for r1, c1, r2, c2 in merged:
        first = by_number.get(r1)
        value = first[c1] if first is not None and c1 < len(first) else None
        if value is None:
            continue
        for number in range(r1, r2 + 1):
            cells = by_number.setdefault(number, [])
            if len(cells) <= c2:
                cells.extend([None] * (c2 + 1 - len(cells)))
            for col in range(c1, c2 + 1):
                if cells[col] is None:
                    cells[col] = value
    return sorted(by_number.items())


def detect_encoding(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        return "cp1251"


def detect_delimiter(sample: str) -> str:
    """`;` (what Excel writes in Kazakhstan and Russia), `,` or a tab: the one that splits the first lines most
    evenly, outside quotes."""
    lines = [line for line in sample.splitlines()[:20] if line.strip()]
    best, best_score = ";", -1.0
    for delim in (";", ",", "\t"):
        counts = []
        for line in lines:
            try:
                counts.append(len(next(csv.reader([line], delimiter=delim))) - 1)
            except (csv.Error, StopIteration):
                counts.append(0)
        if not counts or max(counts) == 0:
            continue
        score = sum(counts) / len(counts) + max(counts)
        if score > best_score:
            best, best_score = delim, score
    return best


def _read_csv(path: Path, encoding: str | None, delimiter: str | None) -> Sheet:
    data = path.read_bytes()
    if b"\x00" in data[:4096]:
        raise ImportFileError("corrupt", name=path.name)
    encoding = encoding or detect_encoding(data)
    try:
        decoded = data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        raise ImportFileError("corrupt", name=path.name) from exc
    delimiter = delimiter or detect_delimiter(decoded[:20000])
    rows: list[tuple[int, list[Any]]] = []
    try:
        reader = csv.reader(io.StringIO(decoded, newline=""), delimiter=delimiter)
        for number, cells in enumerate(reader, start=1):
            while cells and not cells[-1].strip():
                cells.pop()
            if cells:
                rows.append((number, list(cells)))
    except csv.Error as exc:
        raise ImportFileError("corrupt", name=path.name) from exc
    return Sheet(path.stem, rows, [path.stem], encoding, delimiter)
