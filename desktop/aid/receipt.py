"""The aid receipt (беру актісі / акт выдачи) as PDF: the receipt number and date, the aid point, the items given
(name, quantity, unit), the recipient and lines for the giver's and the receiver's signatures.

Like the volunteer letter (desktop/letters.py) it is a document in a chosen language (kk, ru, or both side by side)
whatever the interface language, so its wording lives here per language; fpdf2 with the bundled DejaVu fonts embeds
the glyphs. An anonymous recipient prints as «аноним»; for an account that may not see personal data the IIN keeps
only its last four digits and the birth date is left out (roles.mask_person).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from fpdf import FPDF

from desktop import bilingual, people, reference
from desktop.errors import ValidationError, register_field_labels
from desktop.formats import format_date, format_number
from desktop.i18n import N_
from desktop.letters import house_name
from desktop.paths import fonts_dir
from desktop.roles import actor_of, mask_person, requires
from desktop.store import Store

register_field_labels({"receipt_language": N_("Language of the receipt"), "aid_id": N_("Aid entry")})

LANGUAGES = ("kk", "ru", "both")

TEXTS: dict[str, dict[str, str]] = {
    "kk": {
        "title": "ГУМАНИТАРЛЫҚ КӨМЕК БЕРУ АКТІСІ",
        "number": "№ {number}, {date}",
        "reversal": "Түзету: № {number} актісінің күшін жояды",
        "point": "Көмек беру пункті",
        "programme": "Бағдарлама",
        "recipient": "Алушы",
        "anonymous": "аноним",
        "birth_date": "туған күні",
        "iin": "ЖСН",
        "items": "Берілген заттар",
        "col_no": "№",
        "col_item": "Атауы",
        "col_qty": "Саны",
        "col_unit": "Өлшем бірлігі",
        "giver": "Берген",
        "receiver": "Алған",
        "signature": "(қолы)",
    },
    "ru": {
        "title": "АКТ ВЫДАЧИ ГУМАНИТАРНОЙ ПОМОЩИ",
        "number": "№ {number} от {date}",
        "reversal": "Исправление: отменяет акт № {number}",
        "point": "Пункт выдачи",
        "programme": "Программа",
        "recipient": "Получатель",
        "anonymous": "аноним",
        "birth_date": "дата рождения",
        "iin": "ИИН",
        "items": "Выдано",
        "col_no": "№",
        "col_item": "Наименование",
        "col_qty": "Кол-во",
        "col_unit": "Ед. изм.",
        "giver": "Выдал",
        "receiver": "Получил",
        "signature": "(подпись)",
    },
}


@dataclass(frozen=True)
class ReceiptText:
    """One language's receipt, as printed (tests compare pdftotext's output with these)."""

    lang: str
    title: str
    house: str
    number: str
    reversal: str
    point: str
    programme: str
    recipient: str
    items: list[tuple[str, str, str]] = field(default_factory=list)  # (name, quantity, unit)
    giver: str = ""
    receiver: str = ""  # the recipient's name beside their signature (empty for anonymous aid)


def receipt_text(store: Store, aid_id: str, lang: str) -> ReceiptText:
    """The words of the receipt of one aid entry in `lang` (kk or ru)."""
    entry = store.one(
        f"SELECT e.*, {bilingual.name_columns('pt', 'point_name')}, pt.address AS point_address, "
        "o.number AS reverses_number "
        "FROM aid_given e LEFT JOIN aid_points pt ON pt.id = e.aid_point_id "
        "LEFT JOIN aid_given o ON o.id = e.reverses_id WHERE e.id = ? AND e.deleted = 0",
        (aid_id,),
    )
    if entry is None:
        raise ValidationError("aid_id", N_("{field}: the entry does not exist."))
    words = TEXTS[lang]
    programme = dict(reference.names(store.conn, "programmes", lang)).get(
        entry["programme"], entry["programme"]
    )
    units = dict(reference.names(store.conn, "units", lang))
    items = [
        (
            reference.localized(row, lang) or row["item_id"],
            format_number(round(row["quantity"], 3), lang),
            units.get(row["unit"] or "", row["unit"] or ""),
        )
        for row in store.rows(
            "SELECT l.item_id, l.quantity, i.name_kk, i.name_ru, i.unit FROM aid_lines l "
            "LEFT JOIN aid_items i ON i.id = l.item_id WHERE l.aid_id = ? AND l.deleted = 0 ORDER BY l.rowid",
            (aid_id,),
        )
    ]
    recipient, receiver = _recipient_lines(store, entry["recipient_id"], words)
    point = bilingual.display_name(dict(entry), lang, "point_name")
    if entry["point_address"]:
        point += f", {entry['point_address']}"
    return ReceiptText(
        lang=lang,
        title=words["title"],
        house=house_name(store, lang),
        number=words["number"].format(
            number=entry["number"] or "",
            date=format_date(dt.date.fromisoformat(entry["given_on"]), "long", lang),
        ),
        reversal=words["reversal"].format(number=entry["reverses_number"] or "")
        if entry["reverses_id"]
        else "",
        point=point,
        programme=programme,
        recipient=recipient,
        items=items,
        giver=entry["given_by"] or "",
        receiver=receiver,
    )


def _recipient_lines(store: Store, recipient_id: str | None, words: dict[str, str]) -> tuple[str, str]:
    """The recipient as the receipt names them, and the name beside their signature."""
    person = (
        store.one(
            "SELECT p.surname, p.name, p.patronymic, p.birth_date, p.iin FROM recipients r "
            "JOIN people p ON p.id = r.person_id WHERE r.id = ?",
            (recipient_id,),
        )
        if recipient_id
        else None
    )
    if person is None:  # anonymous aid, or a recipient whose personal record was erased
        return words["anonymous"], ""
    actor = actor_of(store)
    seen = mask_person(actor, dict(person))
    parts = [people.full_name(seen)]
    if actor.can("people.view") and seen.get("birth_date"):
        parts.append(
            f"{words['birth_date']} {dt.date.fromisoformat(seen['birth_date']).strftime(people.DATE_FORMAT)}"
        )
    if seen.get("iin"):
        parts.append(f"{words['iin']} {seen['iin']}")
    return ", ".join(parts), parts[0]


def check_language(language: str) -> None:
    if language not in LANGUAGES:
        raise ValidationError("receipt_language", N_("{field}: choose Kazakh, Russian or both."))


@requires("aid.give")
def render_receipt(store: Store, aid_id: str, out: str | Path, *, language: str = "kk", **_task) -> Path:
    """Writes the receipt of one aid entry as PDF: an A4 page; 'both' puts kk and ru side by side (landscape)."""
    check_language(language)
    langs = ["kk", "ru"] if language == "both" else [language]
    texts = [receipt_text(store, aid_id, lang) for lang in langs]
    pdf = FPDF(orientation="L" if len(texts) == 2 else "P", unit="mm", format="A4")
    pdf.set_title(" / ".join(t.title for t in texts))
    pdf.set_creator("Dostyq")
    pdf.add_font("DejaVu", "", str(fonts_dir() / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(fonts_dir() / "DejaVuSans-Bold.ttf"))
    pdf.set_auto_page_break(False)
    pdf.add_page()
    margin, gap = 15.0, 14.0
    column = (pdf.w - 2 * margin - gap * (len(texts) - 1)) / len(texts)
    if len(texts) == 2:
        pdf.set_draw_color(160, 160, 160)
        pdf.line(pdf.w / 2, margin, pdf.w / 2, pdf.h - margin)
    for i, words in enumerate(texts):
        _render_column(pdf, words, margin + i * (column + gap), column, compact=len(texts) == 2)
    out = Path(out)
    pdf.output(str(out))
    store.audit("receipt_printed", "aid_given", aid_id, {"language": language})
    return out


def _render_column(pdf: FPDF, words: ReceiptText, x: float, width: float, *, compact: bool) -> None:
    labels = TEXTS[words.lang]
    scale = 0.9 if compact else 1.0
    pdf.set_text_color(0, 0, 0)
    pdf.set_xy(x, 15)
    pdf.set_font("DejaVu", "", 9.5 * scale)
    pdf.multi_cell(width, 5 * scale, words.house, align="C")
    pdf.ln(3)
    pdf.set_x(x)
    pdf.set_font("DejaVu", "B", 14 * scale)
    pdf.multi_cell(width, 7 * scale, words.title, align="C")
    pdf.set_x(x)
    pdf.set_font("DejaVu", "", 11 * scale)
    pdf.multi_cell(width, 6 * scale, words.number, align="C")
    if words.reversal:
        pdf.set_x(x)
        pdf.set_text_color(160, 40, 20)
        pdf.multi_cell(width, 6 * scale, words.reversal, align="C")
        pdf.set_text_color(0, 0, 0)
    pdf.ln(5 * scale)
    for label, value in (
        (labels["point"], words.point),
        (labels["programme"], words.programme),
        (labels["recipient"], words.recipient),
    ):
        pdf.set_x(x)
        pdf.set_font("DejaVu", "B", 10.5 * scale)
        pdf.multi_cell(width, 6 * scale, f"{label}:", align="L")
        pdf.set_x(x)
        pdf.set_font("DejaVu", "", 10.5 * scale)
        pdf.multi_cell(width, 6 * scale, value or "—", align="L")
        pdf.ln(1.5)
    pdf.ln(3 * scale)
    pdf.set_x(x)
    pdf.set_font("DejaVu", "B", 10.5 * scale)
    pdf.multi_cell(width, 6 * scale, f"{labels['items']}:", align="L")
    pdf.set_font("DejaVu", "", 10 * scale)
    widths = (width * 0.08, width * 0.56, width * 0.14, width * 0.22)
    left_margin = pdf.l_margin
    pdf.l_margin = x  # the table starts at the column's left edge
    pdf.set_x(x)
    with pdf.table(
        col_widths=widths,
        width=width,
        align="LEFT",
        text_align=("CENTER", "LEFT", "RIGHT", "LEFT"),
        line_height=6 * scale,
        first_row_as_headings=True,
    ) as table:
        header = table.row()
        for key in ("col_no", "col_item", "col_qty", "col_unit"):
            header.cell(labels[key])
        for n, (name, quantity, unit) in enumerate(words.items, start=1):
            row = table.row()
            for value in (str(n), name, quantity, unit):
                row.cell(value)
    pdf.l_margin = left_margin
    pdf.ln(14 * scale)
    for role, name in ((labels["giver"], words.giver), (labels["receiver"], words.receiver)):
        pdf.set_x(x)
        pdf.set_font("DejaVu", "", 10.5 * scale)
        line = f"{role}: ______________________   {name}".rstrip()
        pdf.multi_cell(width, 6 * scale, line, align="L")
        pdf.set_x(x + width * 0.22)
        pdf.set_font("DejaVu", "", 8 * scale)
        pdf.multi_cell(width * 0.5, 4 * scale, labels["signature"], align="L")
        pdf.ln(8 * scale)
