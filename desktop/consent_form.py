"""The printable consent form (Law No. 94-V on personal data, docs/KAZAKH.md §6) for an aid recipient, in Kazakh or
Russian, to be signed on paper. The form text is a versioned legal document, kept here per language rather than in
the interface catalogs: a changed text gets a new CONSENT_FORM_VERSION, and each consent records the version signed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TypedDict

from fpdf import FPDF

from desktop import clock, people, reference
from desktop.aid import CONSENT_FORM_VERSION, CONSENT_YEARS, RecipientInput
from desktop.paths import data_dir, fonts_dir
from desktop.roles import requires


class FormTexts(TypedDict):
    """The texts of the form in one language; `body` is its paragraphs."""

    title: str
    subtitle: str
    operator: str
    subject: str
    name: str
    birth: str
    iin: str
    phone: str
    address: str
    body: list[str]
    guardian: str
    date: str
    signature: str
    staff: str
    footer: str


TEXTS: dict[str, FormTexts] = {
    "kk": {
        "title": "Дербес деректерді жинауға және өңдеуге келісім",
        "subtitle": "Гуманитарлық көмек алушы",
        "operator": "Оператор: {house}. Мекенжайы: {address}.",
        "subject": "Мен, төменде қол қоюшы,",
        "name": "Тегі, аты, әкесінің аты",
        "birth": "Туған күні",
        "iin": "ЖСН (болса)",
        "phone": "Телефоны",
        "address": "Мекенжайы",
        "body": [
            (
                "«Дербес деректер және оларды қорғау туралы» 2013 жылғы 21 мамырдағы № 94-V Қазақстан Республикасының "
                "Заңына сәйкес операторға мынадай мақсатта менің дербес деректерімді жинауға және өңдеуге келісім беремін: "
                "гуманитарлық көмек беруді есепке алу және бір бағдарлама бойынша көмектің қайталануына жол бермеу."
            ),
            (
                "Деректер тізбесі: тегі, аты, әкесінің аты, туған күні, жынысы, ЖСН (болса), телефоны, мекенжайы, елді "
                "мекені, отбасы құрамы (отбасы мүшелерінің және балалардың саны), әлеуметтік санаты, берілген көмек "
                "туралы мәліметтер. Денсаулық туралы мәліметтер жиналмайды."
            ),
            (
                "Деректер Қазақстан Республикасының аумағында сақталады; үшінші тұлғаларға, шетелге және жалпыға "
                "қолжетімді көздерге берілмейді. Өңірлік есептерге тек жинақталған, иесіз сандар енеді."
            ),
            (
                "Келісім {years} жыл мерзімге беріледі. Мен оны кез келген уақытта жазбаша өтініш арқылы кері қайтарып ала "
                "аламын; бұл жағдайда менің дербес деректерім көмек есебінде бұдан әрі пайдаланылмайды, ал берілген көмек есепте тек иесіз жазба ретінде қалады."
            ),
        ],
        "guardian": "Заңды өкіл (кәмелетке толмаған адам үшін): ____________________________",
        "date": "Күні: «____» ______________ 20____ ж.",
        "signature": "Қолы: ______________________",
        "staff": "Келісімді қабылдаған қызметкер: ______________________",
        "footer": "Келісім нысанының нұсқасы {version}",
    },
    "ru": {
        "title": "Согласие на сбор и обработку персональных данных",
        "subtitle": "Получатель гуманитарной помощи",
        "operator": "Оператор: {house}. Адрес: {address}.",
        "subject": "Я, нижеподписавшийся(-аяся),",
        "name": "Фамилия, имя, отчество",
        "birth": "Дата рождения",
        "iin": "ИИН (при наличии)",
        "phone": "Телефон",
        "address": "Адрес",
        "body": [
            (
                "в соответствии с Законом Республики Казахстан от 21 мая 2013 года № 94-V «О персональных данных и их "
                "защите» даю согласие оператору на сбор и обработку моих персональных данных в целях учёта оказанной "
                "гуманитарной помощи и предотвращения повторной выдачи помощи по одной программе."
            ),
            (
                "Перечень данных: фамилия, имя, отчество, дата рождения, пол, ИИН (при наличии), телефон, адрес, "
                "населённый пункт, состав семьи (число членов семьи и детей), социальная категория, сведения о "
                "полученной помощи. Сведения о здоровье не собираются."
            ),
            (
                "Данные хранятся на территории Республики Казахстан; третьим лицам, за рубеж и в общедоступные "
                "источники не передаются. В региональные отчёты попадают только сводные обезличенные цифры."
            ),
            (
                "Согласие даётся на {years} года. Я могу отозвать его в любое время письменным заявлением; в этом случае "
                "мои персональные данные больше не используются в учёте помощи, а оказанная помощь остаётся в нём только "
                "как обезличенная запись."
            ),
        ],
        "guardian": "Законный представитель (за несовершеннолетнего): ____________________________",
        "date": "Дата: «____» ______________ 20____ г.",
        "signature": "Подпись: ______________________",
        "staff": "Согласие принял(а) сотрудник: ______________________",
        "footer": "Версия формы согласия {version}",
    },
}


@dataclass
class ConsentSubject:
    """What is already known about the person; blank fields are left as lines to fill in by hand."""

    name: str = ""
    birth_date: dt.date | None = None
    iin: str = ""
    phone: str = ""
    address: str = ""


def render(lang: str, house: str, house_address: str = "", subject: ConsentSubject | None = None) -> bytes:
    """The form as PDF bytes (A4, DejaVu fonts embedded so Kazakh letters print on any PC)."""
    t = TEXTS[lang]
    subject = subject or ConsentSubject()
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(True, margin=18)
    pdf.set_margins(20, 18, 20)
    pdf.add_font("DejaVu", "", str(fonts_dir() / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(fonts_dir() / "DejaVuSans-Bold.ttf"))
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 14)
    pdf.multi_cell(0, 7, t["title"], align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 11)
    pdf.cell(0, 7, t["subtitle"], align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("DejaVu", "", 10)
    pdf.multi_cell(
        0,
        5.5,
        t["operator"].format(house=house, address=house_address or "________________________"),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(3)
    pdf.multi_cell(0, 5.5, t["subject"], new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)
    birth = subject.birth_date.strftime("%d.%m.%Y") if subject.birth_date else ""
    for label, value in (
        (t["name"], subject.name),
        (t["birth"], birth),
        (t["iin"], subject.iin),
        (t["phone"], subject.phone),
        (t["address"], subject.address),
    ):
        pdf.set_font("DejaVu", "", 9)
        pdf.cell(55, 8, label + ":")
        pdf.set_font("DejaVu", "B" if value else "", 11)
        pdf.cell(0, 8, value or "_" * 48, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font("DejaVu", "", 10)
    for paragraph in t["body"]:
        pdf.multi_cell(
            0, 5.5, paragraph.format(years=CONSENT_YEARS), align="J", new_x="LMARGIN", new_y="NEXT"
        )
        pdf.ln(2)
    pdf.ln(4)
    for key in ("guardian", "date", "signature", "staff"):
        pdf.cell(0, 9, t[key], new_x="LMARGIN", new_y="NEXT")
    pdf.set_auto_page_break(False)
    pdf.set_y(-16)
    pdf.set_font("DejaVu", "", 8)
    pdf.cell(0, 5, t["footer"].format(version=CONSENT_FORM_VERSION), align="R")
    return bytes(pdf.output())


@requires("aid.give")
def save_consent_form(
    store, lang: str, data: RecipientInput | None = None, folder: Path | None = None
) -> Path:
    """Writes the form, filled with what is known about the person, to the forms folder and returns its path."""
    house = store.one("SELECT name_kk, name_ru FROM houses WHERE code = ?", (store.house_id or "",))
    house_name = reference.localized(house, lang) if house else "________________________"
    subject = ConsentSubject()
    if data is not None:
        subject.name = " ".join(
            p.strip() for p in (data.surname, data.name, data.patronymic) if p and p.strip()
        )
        if data.birth_date:
            try:
                subject.birth_date = dt.date.fromisoformat(str(data.birth_date))
            except ValueError:
                pass
        subject.iin, subject.phone = (data.iin or "").strip(), (data.phone or "").strip()
        subject.address = ", ".join(p.strip() for p in (data.locality, data.address) if p and p.strip())
        if data.person_id:
            # A person on file is printed as the acting role may see them (desktop.roles.mask_person), whatever
            # the form held.
            on_file = people.get_person(store, data.person_id) or {}
            subject.iin, subject.phone = on_file.get("iin") or "", on_file.get("phone") or ""
            subject.address = ", ".join(p for p in (on_file.get("locality"), on_file.get("address")) if p)
    folder = folder or data_dir() / "consent_forms"
    folder.mkdir(parents=True, exist_ok=True)
    stamp = clock.now().strftime("%Y%m%d-%H%M%S")
    path = folder / f"consent-{lang}-{stamp}.pdf"
    path.write_bytes(render(lang, house_name, "", subject))
    return path
