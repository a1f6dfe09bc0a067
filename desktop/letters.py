"""Thank-you letters (алғыс хат / благодарственное письмо) and certificates of volunteer hours, as PDF.

The letter is a document in a chosen language (kk, ru, or both side by side), whatever the interface language,
so its wording lives here per language rather than in the interface catalog. fpdf2 with the bundled DejaVu fonts
embeds the glyphs, so the Kazakh text prints and copies out (pdftotext) exactly, on the desktop and the server.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fpdf import FPDF

from desktop import clock, people, reference
from desktop.errors import ValidationError, register_field_labels
from desktop.formats import format_date, format_hours
from desktop.i18n import N_
from desktop.paths import fonts_dir
from desktop.roles import requires
from desktop.store import Store

register_field_labels(
    {
        "letter_language": N_("Language of the letter"),
        "period": N_("Period"),
        "letter_kind": N_("Document"),
        "hours": N_("Hours in the period"),
    }
)
# The first day hours can have been given (before any house used Dostyq): "all the time" for has_hours.
_EPOCH = dt.date(1990, 1, 1)

LANGUAGES = ("kk", "ru", "both")
KINDS = ("letter", "certificate")

# Per language: the words of each kind of letter, the director's title and the greeting by sex.
TEXTS: dict[str, dict[str, Any]] = {
    "kk": {
        "letter": {
            "title": "АЛҒЫС ХАТ",
            "greeting": "Құрметті {addressed}!",
            "body": (
                "{house} Сізге {start} – {end} аралығында ерікті ретінде атқарған {hours} сағат еңбегіңіз, "
                "адалдығыңыз бен жанашырлығыңыз үшін шын жүректен алғыс білдіреді."
            ),
            "closing": "Қазақстан халқының бірлігі мен келісімін нығайтуға қосқан үлесіңіз үшін рақмет!",
        },
        "certificate": {
            "title": "СЕРТИФИКАТ",
            "greeting": "{name}",
            "body": (
                "{start} – {end} аралығында {house} жанындағы еріктілер орталығында {hours} сағат ерікті "
                "жұмыс атқарғанын растайды."
            ),
            "closing": "Ерікті еңбегіңіз үшін рақмет!",
        },
        "director": "Директор",
        "sex_greeting": {},
    },
    "ru": {
        "letter": {
            "title": "БЛАГОДАРСТВЕННОЕ ПИСЬМО",
            "greeting": "{dear} {addressed}!",
            "body": (
                "{house} выражает Вам искреннюю благодарность за {hours} ч. волонтёрской работы в период с "
                "{start} по {end}, за ответственность и отзывчивость."
            ),
            "closing": "Спасибо за Ваш вклад в укрепление единства и согласия народа Казахстана!",
        },
        "certificate": {
            "title": "СЕРТИФИКАТ",
            "greeting": "{name}",
            "body": (
                "подтверждает, что в период с {start} по {end} выполнил(а) {hours} ч. волонтёрской работы "
                "в волонтёрском центре: {house}."
            ),
            "closing": "Спасибо за Ваш добровольный труд!",
        },
        "director": "Директор",
        "sex_greeting": {"m": "Уважаемый", "f": "Уважаемая", "": "Уважаемый(-ая)"},
    },
}


@dataclass(frozen=True)
class LetterText:
    """The words of one language's letter, as printed (tests compare pdftotext's output with these)."""

    title: str
    house: str
    greeting: str
    body: str
    closing: str
    signature: str
    date: str

    def paragraphs(self) -> list[str]:
        return [self.title, self.house, self.greeting, self.body, self.closing, self.date, self.signature]


def house_name(store: Store, lang: str) -> str:
    row = store.one("SELECT name_kk, name_ru FROM houses WHERE code = ?", (store.house_id or "",))
    if not row:
        return {"kk": "Достық үйі", "ru": "Дом дружбы"}[lang]
    return reference.localized(row, lang)


def letter_text(
    store: Store,
    volunteer_id: str,
    lang: str,
    start: dt.date,
    end: dt.date,
    *,
    kind: str = "letter",
    issued: dt.date,
    minutes: int | None = None,
) -> LetterText:
    from desktop.volunteers import get_volunteer, minutes_in_period

    if minutes is None:
        minutes = minutes_in_period(store, volunteer_id, start, end)
    record = get_volunteer(store, volunteer_id)
    assert record is not None, volunteer_id  # letters are written for a volunteer on the register
    person = record["person"]
    words = TEXTS[lang]
    part = words[kind]
    values = {
        "name": people.full_name(person),
        # A letter addresses the person by name and patronymic, as is polite in both languages.
        "addressed": " ".join(p for p in (person.get("name"), person.get("patronymic")) if p),
        "house": house_name(store, lang),
        "hours": format_hours(minutes, lang),
        "start": start.strftime(people.DATE_FORMAT),
        "end": end.strftime(people.DATE_FORMAT),
        "dear": words["sex_greeting"].get(person.get("sex") or "", ""),
    }
    return LetterText(
        title=part["title"],
        house=values["house"],
        greeting=part["greeting"].format(**values),
        body=part["body"].format(**values),
        closing=part["closing"].format(**values),
        signature=f"{words['director']} ____________________",
        date=format_date(issued, "long", lang),
    )


def check_request(language: str, kind: str, start: dt.date | None, end: dt.date | None) -> None:
    if language not in LANGUAGES:
        raise ValidationError("letter_language", N_("{field}: choose Kazakh, Russian or both."))
    if kind not in KINDS:
        raise ValidationError("letter_kind", N_("{field}: choose a letter or a certificate."))
    if not start or not end or end < start:
        raise ValidationError("period", N_("{field}: the end must not be before the start."))


@requires("records.read")
def has_hours(store: Store, volunteer_id: str, *, today: dt.date | None = None) -> bool:
    """Whether the volunteer has given any time so far (shifts and events that took place): a thank-you letter or
    certificate is offered only then."""
    from desktop.volunteers import minutes_in_period

    return minutes_in_period(store, volunteer_id, _EPOCH, today or clock.today()) > 0


@requires("exports")
def render_letter(
    store: Store,
    volunteer_id: str,
    out: str | Path,
    *,
    language: str = "kk",
    start: dt.date,
    end: dt.date,
    kind: str = "letter",
    issued: dt.date,
    progress=None,
    cancel=None,
) -> Path:
    """Writes the PDF: one A4 page; 'both' puts kk and ru side by side on a landscape page."""
    from desktop.volunteers import minutes_in_period

    check_request(language, kind, start, end)
    minutes = minutes_in_period(store, volunteer_id, start, end)
    if minutes <= 0:
        raise ValidationError(
            "hours",
            N_("No volunteer hours from {start} to {end}: a letter or certificate needs some hours given."),
            start=start.strftime(people.DATE_FORMAT),
            end=end.strftime(people.DATE_FORMAT),
        )
    langs = ["kk", "ru"] if language == "both" else [language]
    texts = [
        letter_text(store, volunteer_id, lang, start, end, kind=kind, issued=issued, minutes=minutes)
        for lang in langs
    ]
    pdf = FPDF(orientation="L" if len(texts) == 2 else "P", unit="mm", format="A4")
    pdf.set_title(" / ".join(t.title for t in texts))
    pdf.set_creator("Dostyq")
    pdf.add_font("DejaVu", "", str(fonts_dir() / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(fonts_dir() / "DejaVuSans-Bold.ttf"))
    pdf.set_auto_page_break(False)
    pdf.add_page()
    margin, gap = 18.0, 16.0
    column = (pdf.w - 2 * margin - gap * (len(texts) - 1)) / len(texts)
    # A double frame around the page: the look of a printed certificate.
    pdf.set_draw_color(31, 59, 87)
    pdf.set_line_width(1.2)
    pdf.rect(8, 8, pdf.w - 16, pdf.h - 16)
    pdf.set_line_width(0.4)
    pdf.rect(11, 11, pdf.w - 22, pdf.h - 22)
    if len(texts) == 2:
        pdf.line(pdf.w / 2, 24, pdf.w / 2, pdf.h - 24)
    for i, words in enumerate(texts):
        _render_column(pdf, words, margin + i * (column + gap), column, compact=len(texts) == 2)
    out = Path(out)
    pdf.output(str(out))
    store.audit(
        "letter_printed",
        "volunteers",
        volunteer_id,
        {"language": language, "kind": kind, "start": start.isoformat(), "end": end.isoformat()},
    )
    return out


def _render_column(pdf: FPDF, words: LetterText, x: float, width: float, *, compact: bool) -> None:
    scale = 0.85 if compact else 1.0
    pdf.set_text_color(31, 59, 87)
    pdf.set_xy(x, 30 if compact else 40)
    pdf.set_font("DejaVu", "B", 24 * scale)
    pdf.multi_cell(width, 12 * scale, words.title, align="C")
    pdf.ln(4)
    pdf.set_x(x)
    pdf.set_font("DejaVu", "", 12 * scale)
    pdf.multi_cell(width, 7 * scale, words.house, align="C")
    pdf.ln(10 * scale)
    pdf.set_text_color(0, 0, 0)
    pdf.set_x(x)
    pdf.set_font("DejaVu", "B", 16 * scale)
    pdf.multi_cell(width, 9 * scale, words.greeting, align="C")
    pdf.ln(6 * scale)
    pdf.set_font("DejaVu", "", 13 * scale)
    for paragraph in (words.body, words.closing):
        pdf.set_x(x)
        pdf.multi_cell(width, 7.5 * scale, paragraph, align="L")
        pdf.ln(4 * scale)
    bottom = pdf.h - (40 if compact else 55)
    pdf.set_font("DejaVu", "", 11 * scale)
    pdf.set_xy(x, bottom)
    pdf.multi_cell(width, 7, words.date, align="L")
    pdf.set_x(x)
    pdf.multi_cell(width, 7, words.signature, align="L")
