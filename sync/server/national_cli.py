"""`dostyq-server report --national [--month YYYY-MM]`: the national roll-up as a file, and printed by region and
house (each region's subtotal above its houses, the national total last), tab-separated.

The printout's headings and names are in the file's language (--lang; Kazakh for both); the sentences around it
follow DOSTYQ_LANG like the other commands. Aggregates only: no personal data is read or printed.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from desktop import clock
from desktop.i18n import N_, _
from desktop.periods import last_full_month
from desktop.reports.files import SUFFIXES
from desktop.reports.layout import LANGUAGE_CHOICES, format_value, tr
from desktop.reports.national import HEADLINE, HOUSE, NationalRollup, headline_values, status_label
from sync.server.store import ServerStore

_MONTH = re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])$")


def report(store: ServerStore, month: str | None, fmt: str, lang: str, out: str | None) -> int:
    month = month or last_full_month(clock.today())
    if not _MONTH.match(month) or not 2000 <= int(month[:4]) <= 2100:
        print(_("error: {detail}").format(detail=_("--month: YYYY-MM, e.g. 2026-10")), file=sys.stderr)
        return 2
    path = Path(out or f"KZ_{month}_{lang}{SUFFIXES[fmt]}")
    national = store.export_national_rollup(month, fmt, path, lang)
    for line in printout(national, lang):
        print(line)
    print(
        _("{file}: houses that submitted: {count} of {total}").format(
            file=path, count=len(national.total.submitted), total=national.lines[-1].expected
        )
        + (
            "; " + _("not yet: {houses}").format(houses=", ".join(national.missing))
            if national.missing
            else ""
        )
        + (
            "; " + _("left out, not a valid summary: {houses}").format(houses=", ".join(national.invalid))
            if national.invalid
            else ""
        )
    )
    return 0


def printout(national: NationalRollup, lang: str) -> list[str]:
    """The roll-up as tab-separated lines: a heading, then each region and its houses, the national total last."""
    lg = LANGUAGE_CHOICES[lang][0]
    head = [tr(lg, N_("Code")), tr(lg, N_("Region or house")), tr(lg, N_("Reports"))]
    head += [tr(lg, label) for _key, label, _kind in HEADLINE]
    lines = ["\t".join(head)]
    for line in national.lines:
        indent = "  " if line.level == HOUSE else ""
        values = [
            format_value(v, kind, lg) for v, (_k, _l, kind) in zip(headline_values(line.summary), HEADLINE)
        ]
        lines.append("\t".join([indent + line.code, line.label[lg], status_label(line)[lg], *values]))
    return lines
