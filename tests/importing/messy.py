"""Messy spreadsheets the way houses keep them, made up (no real person's data; IINs valid by their check digit):
merged title rows, a blank row, bilingual headers with line breaks and odd spaces, numbered empty rows, a totals
row with a formula, and values in every form people type."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import openpyxl

from desktop.iin import make_iin


def iin(birth: dt.date, sex: str, serial: int = 1) -> str:
    """A valid IIN (the first serial from `serial` on that gives one)."""
    while True:
        value = make_iin(birth, sex, serial)
        if value is not None:
            return value
        serial += 1


def _bad_check_digit(value: str) -> str:
    return value[:11] + str((int(value[11]) + 1) % 10)


IIN_A = iin(dt.date(1990, 3, 5), "f", 11)
IIN_B = iin(dt.date(2004, 7, 9), "m", 22)  # born in the 2000s: starts with 0
IIN_C = iin(dt.date(1985, 12, 1), "m", 33)

# (row as the sheet shows it, cells) of the volunteers workbook; the header is on row 4.
VOLUNTEER_HEADER = [
    "№\nп/п",
    "ФИО /\nАты-жөні",
    "Дата рождения\n(Туған күні)",
    " ИИН / ЖСН ",
    "Телефон",
    "E-mail",
    "Языки /\u00a0Тілдер",
    "Навыки",
    "Волонтер с",
]
VOLUNTEER_ROWS = {
    5: [1, "ИВАНОВА  Айгүл\u00a0Сериковна", "05.03.1990", IIN_A, "8 (701) 123-45-67", "aigul@example.kz",
        "каз, рус", "", "01.09.2023"],
    6: [2, "Сейітов Нұрлан", dt.datetime(2004, 7, 9), int(IIN_B), 77021234567, "", "қазақ", "", 2022],
    7: [3, "Петров Пётр Петрович", "31.02.1985", "", "8 701 111 22 33, 8 702 444 55 66", "", "", "", ""],
    8: [4, "", "", "", "", "", "", "", ""],  # numbered but empty
    9: [5, "Ким Aлександр", "1 декабря 1985 г.", _bad_check_digit(IIN_C), "+49 30 1234567", "", "", "", ""],
    10: [6, "Жаңабаев ?рлан", "12.12.1970", "", "", "", "", "", ""],
    11: [7, "Омарова Динара", "1988 ж. 4 наурыз", "", "телефон жоқ", "bad-mail", "", "", ""],
    12: [8, "АБДРАХМАНОВА АСЕЛЬ", "09.07.04", IIN_B, "", "", "", "", ""],
    13: [9, "Нұрланова Мадина", 32937, "", "8 7172 54 32 10", "", "", "", ""],
    14: [None, None, None, None, None, None, None, None, None],
    15: [10, "Смагулов Ерлан", "05.03.1990", "", "", "", "", "", ""],
    16: [11, "Смагулов Ерлан", "5.3.90", "", "", "", "", "", ""],
    17: [None, "Итого:", "=COUNTA(B5:B16)", None, None, None, None, None, None],
}  # fmt: skip


def volunteers_xlsx(path: Path) -> Path:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Волонтеры"
    ws["A1"] = "Список волонтёров Дома дружбы / Достық үйінің еріктілер тізімі"
    ws.merge_cells("A1:I1")
    ws["A2"] = "по состоянию на 01.11.2026"
    ws.merge_cells("A2:I2")
    for col, value in enumerate(VOLUNTEER_HEADER, start=1):
        ws.cell(4, col, value)
    for number, cells in VOLUNTEER_ROWS.items():
        for col, value in enumerate(cells, start=1):
            if value is not None:
                ws.cell(number, col, value)
    ws.cell(13, 3).number_format = "General"  # the date as a bare Excel serial
    ws.cell(6, 4).number_format = "0"
    book.create_sheet("Справочник")["A1"] = "не импортировать"
    book.save(path)
    return path


MEMBER_HEADER = [
    "Ұжым / Коллектив",
    "Тегі",
    "Аты",
    "Әкесінің аты",
    "Туған күні",
    "Ата-анасы",
    "Согласие родителя",
]
MEMBER_ROWS = [
    ["«Шаттық»", "Әлиева", "Жанар", "Болатқызы", "14.05.2015", "Әлиева Сәуле", "да"],
    ["«Шаттық»", "Бекова", "Дана", "", "02.02.2014", "", ""],  # a minor with nothing stated: refused
    ["«Шаттық»", "Ахметов", "Руслан", "", "01.01.1990", "", ""],
    ["Дружба", "Ли", "Виктор", "", "10.10.2012", "Ли Ольга", "01.09.2025"],
]


def members_csv(path: Path, encoding: str = "utf-8-sig", delimiter: str = ";", newline: str = "\r\n") -> Path:
    lines = ["Үйірмелер мүшелері;;;;;;", delimiter.join(MEMBER_HEADER)]
    lines += [delimiter.join(cells) for cells in MEMBER_ROWS]
    path.write_bytes(newline.join(lines).encode(encoding, errors="replace") + newline.encode())
    return path


def cp1251_csv(path: Path) -> Path:
    """What Excel writes as "CSV (разделители - запятые)" on a Russian Windows: cp1251, `;`, CRLF, and '?' for every
    Kazakh letter it has no code for."""
    rows = [
        "ФИО;Дата рождения;Телефон",
        "Иванов Иван Иванович;01.02.1980;87011234567",
        "Жаңабаев Ерлан;03.04.1981;87011234568",
        "Сәрсенова Гүлнар;05.06.1982;",
    ]
    path.write_bytes("\r\n".join(rows).encode("cp1251", errors="replace") + b"\r\n")
    return path


EVENT_ROWS = [
    ["№", "Іс-шараның атауы / Наименование мероприятия", "Дата проведения", "Место проведения", "Кол-во участников",
     "из них женщин", "из них мужчин"],
    [1, "Наурыз мейрамы", "21.03.2026", "Достық үйі", 120, 70, 50],
    [2, "День единства народов Казахстана", dt.datetime(2026, 5, 1), "Площадь", 300, None, None],
    [3, "Концерт", "30.02.2026", "", 10, 5, 5],
    [4, "Будущий фестиваль", "10.12.2030", "", 0, 0, 0],
    [None, "Барлығы", None, None, "=SUM(E2:E5)", None, None],
]  # fmt: skip


def events_xlsx(path: Path) -> Path:
    book = openpyxl.Workbook()
    ws = book.active
    for r, cells in enumerate(EVENT_ROWS, start=1):
        for c, value in enumerate(cells, start=1):
            if value is not None:
                ws.cell(r, c, value)
    book.save(path)
    return path


def items_csv(path: Path) -> Path:
    rows = [
        "Наименование,Атауы,Ед. изм.,Группа",
        "Мука,Ұн,кг,Продукты питания",
        "Тетрадь,Дәптер,шт.,Школьные принадлежности",
        ",,,",
        "Масло,Май,бочка,Продукты питания",
    ]
    path.write_bytes("\n".join(rows).encode("utf-8"))
    return path


RECIPIENT_HEADER = [
    "ФИО",
    "Дата рождения",
    "ИИН",
    "Категория",
    "Состав семьи",
    "Детей",
    "Дата согласия",
    "Программа",
]


def recipients_xlsx(path: Path) -> Path:
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(RECIPIENT_HEADER)
    ws.append(["Серікова Күләш", "12.03.1940", "", "Ветеран", 2, 0, "10.01.2026", "Қамқор"])
    ws.append(["Тулегенов Бахыт", "", "", "Многодетная семья, Непонятно", 7, 5, "", ""])
    book.save(path)
    return path


PREFIXES = ["701", "702", "705", "707", "747", "771", "775", "778"]  # Kazakh mobile codes
SURNAMES = [
    "Ахметов",
    "Иванов",
    "Ким",
    "Сейітов",
    "Нұрланов",
    "Петров",
    "Омаров",
    "Жаңабаев",
    "Ли",
    "Смагулов",
    "Бекмұратов",
    "Сидоров",
    "Тоқтаров",
    "Әбдірахманов",
    "Қасымов",
    "Мельников",
    "Пак",
    "Ермеков",
    "Құлжанов",
    "Шевченко",
    "Байжанов",
    "Оспанов",
    "Тен",
    "Жұмабаев",
    "Кузнецов",
    "Серікбаев",
    "Мұхамеджанов",
    "Юсупов",
    "Ғабдуллин",
    "Нұржанов",
]
NAMES = [
    "Нұрлан", "Иван", "Виктор", "Ерлан", "Руслан", "Бахыт", "Дархан", "Асхат", "Олжас", "Тимур", "Ерболат",
    "Сергей", "Қайрат", "Әлихан", "Ғалым", "Андрей", "Бауыржан", "Дмитрий", "Марат", "Жандос", "Алексей",
    "Серік", "Талғат", "Николай", "Мұрат", "Арман", "Павел", "Берік", "Данияр", "Ілияс",
]  # fmt: skip


def big_volunteers_xlsx(path: Path, rows: int, seed: int = 7) -> Path:
    """`rows` volunteers, each a different person (distinct IINs and birth dates), for the benchmark: 900 surname and
    name pairs, so each pair is shared by about six people, as common Kazakh and Russian names are."""
    rnd = random.Random(seed)
    book = openpyxl.Workbook(write_only=True)
    ws = book.create_sheet("Волонтеры")
    ws.append(["Список волонтёров"])
    ws.append([])
    ws.append(["№", "ФИО / Аты-жөні", "Туған күні", "ЖСН", "Телефон", "Тілдер"])
    start = dt.date(1950, 1, 1)
    for n in range(rows):
        birth = start + dt.timedelta(days=n * 5 + rnd.randrange(5))
        sex = "m"
        ws.append(
            [
                n + 1,
                f"{SURNAMES[n % 30]} {NAMES[(n // 30) % 30]} {rnd.choice(NAMES)}ұлы",
                birth.strftime("%d.%m.%Y"),
                iin(birth, sex, 1000 + n % 5000),
                f"8 {PREFIXES[n % 8]} {n % 1000:03d} {n % 100:02d} {(n * 7) % 100:02d}",
                "каз, рус",
            ]
        )
    book.save(path)
    return path


def members_xlsx(path: Path) -> Path:
    """The group's name written once and merged down over its members' rows, as houses lay out their lists."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["Коллектив", "ФИО", "Дата рождения", "Дата вступления"])
    ws.append(["Ансамбль «Айгөлек»", "Омарова Дина", "01.01.1995", "01.09.2024"])
    ws.append([None, "Ким Ольга", "02.02.1996", "01.09.2024"])
    ws.append([None, "Ли Анна", "03.03.1997", "01.09.2024"])
    ws.merge_cells("A2:A4")
    book.save(path)
    return path


def _xls_book():
    import xlwt

    return xlwt, xlwt.Workbook(encoding="utf-8")


def volunteers_xls(path: Path) -> Path:
    """The volunteers workbook of volunteers_xlsx saved the old way (Excel 97–2003 .xls), as many houses still keep
    theirs: merged title rows, the header on row 4, Excel numbers for IINs and phones, a date cell and a bare date
    serial, and a totals row with a formula."""
    xlwt, book = _xls_book()
    ws = book.add_sheet("Волонтеры")
    ws.write_merge(0, 0, 0, 8, "Список волонтёров Дома дружбы / Достық үйінің еріктілер тізімі")
    ws.write_merge(1, 1, 0, 8, "по состоянию на 01.11.2026")
    for col, value in enumerate(VOLUNTEER_HEADER):
        ws.write(3, col, value)
    as_date = xlwt.easyxf(num_format_str="DD.MM.YYYY")
    for number, cells in VOLUNTEER_ROWS.items():
        for col, value in enumerate(cells):
            if value is None or value == "":
                continue
            if isinstance(value, str) and value.startswith("="):
                ws.write(number - 1, col, xlwt.Formula(value[1:]))
            elif isinstance(value, dt.date):
                ws.write(number - 1, col, value, as_date)
            else:
                ws.write(number - 1, col, value)
    book.add_sheet("Справочник").write(0, 0, "не импортировать")
    book.save(str(path))
    return path


def members_xls(path: Path) -> Path:
    """Group members in a .xls with the group's name merged down over its members' rows."""
    _xlwt, book = _xls_book()
    ws = book.add_sheet("Мүшелер")
    for col, value in enumerate(["Коллектив", "ФИО", "Дата рождения", "Дата вступления"]):
        ws.write(0, col, value)
    ws.write_merge(1, 3, 0, 0, "Ансамбль «Айгөлек»")
    for row, (name, born) in enumerate(
        [("Омарова Дина", "01.01.1995"), ("Ким Ольга", "02.02.1996"), ("Ли Анна", "03.03.1997")], start=1
    ):
        ws.write(row, 1, name)
        ws.write(row, 2, born)
        ws.write(row, 3, "01.09.2024")
    book.save(str(path))
    return path


def protected_xls(path: Path) -> Path:
    """A .xls saved with a password to open (its workbook stream starts with an RC4 FILEPASS record, as Excel
    writes it); the cells after it are what the reader would have to decrypt."""
    import struct

    _xlwt, book = _xls_book()
    book.add_sheet("Лист1").write(0, 0, "ФИО")
    header = book._Workbook__intf_hdr_rec  # the record written right after the workbook's BOF
    rc4 = struct.pack("<HHH", 1, 1, 1) + bytes(range(48))  # RC4, version 1.1: salt, verifier and its hash
    book._Workbook__intf_hdr_rec = lambda: struct.pack("<HH", 0x002F, len(rc4)) + rc4 + header()
    book.save(str(path))
    return path
