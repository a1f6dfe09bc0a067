"""The summary as an HXL dataset (CSV with a hashtag row), so partners can merge it with others' data.

One row per programme of aid and one for the events: who was reached, by sex and age band, in which region and
month. Aggregates only: no names, IINs, phones or record ids.
"""

from __future__ import annotations

from pathlib import Path

from desktop import headcount_labels as labels
from desktop.i18n import N_
from desktop.reports.layout import LANGUAGE_CHOICES, code_label, tr
from desktop.reports.summary import MonthlySummary
from desktop.spreadsheet import csv_writer

# (heading, hashtag) of every column; the activity name has one column per export language.
_COLUMNS = [
    (N_("Organisation"), "#org+name"),
    (N_("Organisation code"), "#org+code"),
    (N_("Region code"), "#adm1+code"),
    (N_("Sector"), "#sector+code"),
    (N_("Activity code"), "#activity+code"),
    (N_("Activity"), "#activity+name"),
    (N_("Month"), "#date+month"),
    (N_("People reached"), "#reached+total"),
    (N_("women"), "#reached+f"),
    (N_("men"), "#reached+m"),
    (labels.CHILDREN_ROW, "#reached+children"),
    (labels.ELDERLY_ROW, "#reached+elderly"),
    (N_("Households reached"), "#reached+households"),
    (N_("Entries"), "#indicator+entries+num"),
]


def hxl_rows(summary: MonthlySummary, lang: str = "kk") -> list[list]:
    langs = LANGUAGE_CHOICES[lang]
    header, tags = [], []
    for heading, tag in _COLUMNS:
        if tag == "#activity+name" or tag == "#org+name":
            for lg in langs:
                header.append(tr(lg, heading))
                tags.append(f"{tag}+i_{lg}")
        else:
            header.append(" / ".join(tr(lg, heading) for lg in langs))
            tags.append(tag)
    org = summary.org
    rows = [header, tags]

    def row(sector: str, code: str, names: dict, reached: dict, households, entries):
        out = []
        for _heading, tag in _COLUMNS:
            if tag == "#org+name":
                out += [org.get(f"name_{lg}", "") for lg in langs]
            elif tag == "#activity+name":
                out += [names[lg] for lg in langs]
            else:
                out.append(
                    {
                        "#org+code": org.get("code", ""),
                        "#adm1+code": org.get("region_code", ""),
                        "#sector+code": sector,
                        "#activity+code": code,
                        "#date+month": summary.month,
                        "#reached+total": reached.get("total", 0),
                        "#reached+f": reached.get("women", 0),
                        "#reached+m": reached.get("men", 0),
                        "#reached+children": reached.get("children", 0),
                        "#reached+elderly": reached.get("elderly", 0),
                        "#reached+households": households,
                        "#indicator+entries+num": entries,
                    }[tag]
                )
        rows.append(out)

    events = summary.current["events"]
    row(
        "culture",
        "events",
        {lg: tr(lg, N_("Events held")) for lg in ("kk", "ru")},
        events["attendance"],
        "",
        events["held"],
    )
    for code, figures in summary.current["aid"]["by_programme"].items():
        row(
            "aid",
            code,
            code_label(summary, "aid.by_programme", code),
            figures["reached"],
            figures["households"],
            figures["entries"],
        )
    return rows


def write_hxl(summary: MonthlySummary, path: str | Path, lang: str = "kk") -> Path:
    path = Path(path)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv_writer(fh).writerows(hxl_rows(summary, lang))
    return path
