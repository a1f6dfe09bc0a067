"""The sign-in sheet of an event, as PDF: printed before the event and signed at the door.

Its heading names the event, its date and time and its place; a table of numbered blank rows takes each person's
name, optionally a phone and an organisation, and a signature; boxes at the foot of the last page take the
headcount (the groups the event form and the monthly summary count, desktop/headcount_labels.py), counted from
the sheet after the event and typed into the event. The sheet is in Kazakh, Russian or both, whatever the
interface language; fpdf2 with the bundled DejaVu fonts embeds the glyphs, so the Kazakh letters print and copy
out (pdftotext) exactly. A blank sheet carries no one's personal data.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import cast

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from desktop import events, headcount_labels, i18n
from desktop.errors import DostyqError, ValidationError, register_field_labels
from desktop.events import EventInput
from desktop.formats import format_date, format_short_date, format_time
from desktop.i18n import N_
from desktop.letters import house_name
from desktop.paths import fonts_dir
from desktop.roles import requires
from desktop.store import Store

register_field_labels(
    {
        "sheet_language": N_("Language of the sheet"),
        "sheet_rows": N_("Rows on the sheet"),
        "sheet_event": N_("Event"),
    }
)

LANGUAGES = {"kk": ("kk",), "ru": ("ru",), "both": ("kk", "ru")}
DEFAULT_ROWS = 30
MAX_ROWS = 500

# The event asked for is not (or no longer) in the database.
EVENT_GONE = N_("{field}: it is no longer on the list (deleted?).")

_FONT = "DejaVu"
_BLUE = (31, 59, 87)
_ROW = 8.5  # mm: room to write a name by hand
_BOX = 9.0  # mm: the height of a box to write a number in
_LABEL_LINE = 3.0  # mm: a line of a box's label

_COUNTED = N_("Counted after the event (type it into the event's headcount)")
# The boxes at the foot: the groups the event form counts, and people with disabilities (noted on paper).
BOXES = (
    N_("Total"),
    N_("Women"),
    N_("Men"),
    headcount_labels.CHILDREN,
    headcount_labels.ELDERLY,
    headcount_labels.DISABILITIES,
)


def default_rows(event: EventInput) -> int:
    """As many rows as the people counted at the event (a sheet printed again), else DEFAULT_ROWS."""
    counted = event.headcount.total if event.headcount else 0
    return min(MAX_ROWS, max(counted, len(event.attendee_ids))) or DEFAULT_ROWS


def check_request(language: str, rows: int) -> None:
    if language not in LANGUAGES:
        raise ValidationError("sheet_language", N_("{field}: choose Kazakh, Russian or both."))
    if not 1 <= rows <= MAX_ROWS:
        raise ValidationError("sheet_rows", N_("{field}: from 1 to {most}."), most=MAX_ROWS)


@requires("exports")
def render_sign_in_sheet(
    store: Store,
    event_id: str,
    out: str | Path,
    *,
    language: str = "kk",
    rows: int = DEFAULT_ROWS,
    phone: bool = True,
    organisation: bool = False,
) -> Path:
    """Writes the PDF: at least `rows` numbered rows, more to fill the last page, the headcount boxes at its foot.
    The file is written beside `out` and moved into place, so a failed write leaves no half a file."""
    check_request(language, rows)
    event = events.get_event(store, event_id)
    if event is None:
        raise ValidationError("sheet_event", EVENT_GONE)
    langs = LANGUAGES[language]
    sheet = _Sheet(event, langs, house={lang: house_name(store, lang) for lang in langs})
    sheet.build(rows, phone=phone, organisation=organisation)
    target = Path(out)
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=".dostyq-", suffix=".pdf", dir=target.parent)
        os.close(fd)
    except OSError:
        raise DostyqError(
            N_("Cannot save the sign-in sheet in {folder}: the folder is read-only or does not exist."),
            folder=str(target.parent),
        ) from None
    tmp = Path(tmp_name)
    try:
        sheet.output(str(tmp))
        os.replace(tmp, target)
    except OSError as exc:
        raise DostyqError(
            N_("Cannot save the sign-in sheet to {path}: {detail}"),
            path=str(target),
            detail=exc.strerror or str(exc),
        ) from None
    finally:
        if tmp.exists():
            tmp.unlink()
    return target


def sheet_words(event: EventInput, langs: tuple[str, ...]) -> dict[str, str]:
    """The sheet's words in its language(s), side by side with " / " for both (tests compare pdftotext with these)."""

    def say(message: str) -> str:
        return _joined(langs, message)

    titles = {"kk": event.title_kk or event.title_ru, "ru": event.title_ru or event.title_kk}
    title = " / ".join(dict.fromkeys(titles[lang] for lang in langs))  # one title when both are the same
    starts = events.to_local(event.starts_at)
    assert starts is not None  # a stored event always has its start
    if len(langs) == 1:
        day = format_date(starts.date(), "long", langs[0])
    else:
        day = format_short_date(starts.date())
    event_label, when_label, place_label = (
        _label(langs, N_("Event:")),
        _label(langs, N_("Date and time:")),
        _label(langs, N_("Place:")),
    )
    return {
        "heading": say(N_("Sign-in sheet")),
        "event": f"{event_label} {title}",
        "when": f"{when_label} {day}, {format_time(starts, langs[0])}",
        "place": f"{place_label} {event.place or '_' * 40}",
        "title": title,
        "day": format_short_date(starts.date()),
    }


def _joined(langs: tuple[str, ...], message: str, sep: str = " / ") -> str:
    """`message` in each language, side by side (once where the languages say the same, as "№")."""
    return sep.join(dict.fromkeys(i18n.gettext_in(lang, message) for lang in langs))


def _label(langs: tuple[str, ...], message: str) -> str:
    """A label ending in a colon, in each language: "Іс-шара / Мероприятие:"."""
    return " / ".join(dict.fromkeys(i18n.gettext_in(lang, message).rstrip(":") for lang in langs)) + ":"


class _Sheet(FPDF):
    def __init__(self, event: EventInput, langs: tuple[str, ...], house: dict[str, str]):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.event, self.langs, self.house = event, langs, house
        self.words = sheet_words(event, langs)
        self.set_margins(12, 12, 12)
        self.set_auto_page_break(False)
        self.add_font(_FONT, "", str(fonts_dir() / "DejaVuSans.ttf"))
        self.add_font(_FONT, "B", str(fonts_dir() / "DejaVuSans-Bold.ttf"))
        self.set_title(f"{self.words['heading']}: {self.words['title']}")
        self.set_creator("Dostyq")
        self.bottom = self.h - 14  # above the footer

    def say(self, message: str, sep: str = " / ") -> str:
        return _joined(self.langs, message, sep)

    def footer(self) -> None:
        self.set_y(-11)
        self.set_font(_FONT, "", 7)
        self.set_text_color(110, 110, 110)
        self.cell(0, 4, f"{self.words['title']} · {self.words['day']}", align="L")
        self.set_x(self.l_margin)
        self.cell(0, 4, f"{self.page_no()} / {{nb}}", align="R")
        self.set_text_color(0, 0, 0)

    def build(self, rows: int, *, phone: bool, organisation: bool) -> None:
        columns = [(self.say(N_("No."), "\n"), 11.0), (self.say(N_("Surname, name"), "\n"), 0.0)]
        if phone:
            columns.append((self.say(N_("Phone"), "\n"), 34.0))
        if organisation:
            columns.append((self.say(N_("Organisation"), "\n"), 44.0))
        columns.append((self.say(N_("Signature"), "\n"), 34.0))
        fixed = sum(w for _label, w in columns)
        self.columns = [(label, w or self.epw - fixed) for label, w in columns]
        self.add_page()
        self.boxes_height = self.box_block()
        self.first_heading()
        self.column_heads()
        number = 0
        while True:
            # The requested rows, then more until the page is full, keeping the boxes' room on the last page.
            done = number >= rows
            if done and self.get_y() + self.boxes_height > self.bottom:
                done = False  # the boxes go on a page of their own rows
            if done and self.get_y() + _ROW + self.boxes_height > self.bottom:
                break
            if self.get_y() + _ROW > self.bottom:
                self.add_page()
                self.later_heading()
                self.column_heads()
                continue
            number += 1
            self.blank_row(number)
        self.rows_printed = number
        self.boxes()

    def first_heading(self) -> None:
        self.set_text_color(*_BLUE)
        self.set_font(_FONT, "B", 15)
        self.multi_cell(0, 7.5, self.words["heading"], align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(_FONT, "", 9.5)
        self.multi_cell(
            0,
            5,
            " / ".join(self.house[lang] for lang in self.langs),
            align="C",
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        self.set_text_color(0, 0, 0)
        self.ln(2)
        self.set_font(_FONT, "B", 10.5)
        self.multi_cell(0, 5.5, self.words["event"], align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(_FONT, "", 10)
        for key in ("when", "place"):
            self.multi_cell(0, 5.5, self.words[key], align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(3)

    def later_heading(self) -> None:
        self.set_font(_FONT, "B", 9)
        self.set_text_color(*_BLUE)
        self.multi_cell(
            0,
            5,
            f"{self.words['heading']} · {self.words['title']}",
            align="L",
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        self.set_text_color(0, 0, 0)
        self.ln(1.5)

    def column_heads(self) -> None:
        self.set_font(_FONT, "B", 8)
        lines = max(len(label.split("\n")) for label, _w in self.columns)
        height = 2 + 3.6 * lines
        x, y = self.l_margin, self.get_y()
        self.set_fill_color(*_BLUE)
        self.set_text_color(255, 255, 255)
        for label, width in self.columns:
            self.rect(x, y, width, height, style="F")
            count = len(label.split("\n"))
            self.set_xy(x, y + (height - 3.6 * count) / 2)
            self.multi_cell(width, 3.6, label, align="C")
            x += width
        self.set_text_color(0, 0, 0)
        self.set_xy(self.l_margin, y + height)

    def blank_row(self, number: int) -> None:
        x, y = self.l_margin, self.get_y()
        self.set_draw_color(120, 120, 120)
        self.set_line_width(0.2)
        for i, (_label, width) in enumerate(self.columns):
            self.rect(x, y, width, _ROW)
            if i == 0:
                self.set_font(_FONT, "", 8.5)
                self.set_xy(x, y)
                self.cell(width, _ROW, str(number), align="C")
            x += width
        self.set_xy(self.l_margin, y + _ROW)

    def box_block(self) -> float:
        """The height the headcount block takes (what boxes() draws), measured before any page is drawn."""
        self.set_font(_FONT, "B", 9)
        heading = 4.5 * len(self._lines(self.epw, 4.5, self.say(_COUNTED)))
        self.set_font(_FONT, "", 6.5)
        labels = max(len(self._lines(self.box_width(), _LABEL_LINE, self.say(m, "\n"))) for m in BOXES)
        self.label_height = labels * _LABEL_LINE
        return 4 + heading + 0.5 + self.label_height + 0.5 + _BOX + 8 + 4

    def box_width(self) -> float:
        return (self.epw - 2.0 * (len(BOXES) - 1)) / len(BOXES)

    def _lines(self, w: float, h: float, text: str) -> list[str]:
        return cast(list[str], self.multi_cell(w, h, text, align="C", dry_run=True, output="LINES"))

    def boxes(self) -> None:
        """The headcount boxes, side by side with their labels above (aligned at the foot), and the line for who
        counted; the block ends at the foot of the last page."""
        self.set_xy(self.l_margin, max(self.get_y(), self.bottom - self.boxes_height) + 4)
        self.set_draw_color(0, 0, 0)
        self.set_font(_FONT, "B", 9)
        self.multi_cell(0, 4.5, self.say(_COUNTED), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        top = self.get_y() + 0.5
        width = self.box_width()
        self.set_font(_FONT, "", 6.5)
        for i, message in enumerate(BOXES):
            x = self.l_margin + i * (width + 2.0)
            label = self.say(message, "\n")
            lines = len(self._lines(width, _LABEL_LINE, label))
            self.set_xy(x, top + self.label_height - lines * _LABEL_LINE)
            self.multi_cell(width, _LABEL_LINE, label, align="C")
            self.set_line_width(0.35)
            self.rect(x, top + self.label_height + 0.5, width, _BOX)
        self.set_line_width(0.2)
        y = top + self.label_height + 0.5 + _BOX + 8
        self.set_font(_FONT, "", 8.5)
        self.set_xy(self.l_margin, y - 4.5)
        counted_by = _label(self.langs, N_("Counted by:"))
        self.cell(self.get_string_width(counted_by) + 2, 4.5, counted_by)
        start = self.l_margin + self.get_string_width(counted_by) + 4
        for caption, x, w in ((N_("(full name)"), start, 80.0), (N_("(signature)"), start + 86, 50.0)):
            self.line(x, y, x + w, y)
            self.set_font(_FONT, "", 6.5)
            self.set_text_color(90, 90, 90)
            self.set_xy(x, y + 0.5)
            self.cell(w, 3, self.say(caption), align="C")
            self.set_text_color(0, 0, 0)
