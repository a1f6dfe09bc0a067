import random

from desktop.text import KAZAKH_ALPHABET, fold, loose, sort_key

OFFICIAL_ORDER = [
    "А",
    "Ә",
    "Б",
    "В",
    "Г",
    "Ғ",
    "Д",
    "Е",
    "Ё",
    "Ж",
    "З",
    "И",
    "Й",
    "К",
    "Қ",
    "Л",
    "М",
    "Н",
    "Ң",
    "О",
    "Ө",
    "П",
    "Р",
    "С",
    "Т",
    "У",
    "Ұ",
    "Ү",
    "Ф",
    "Х",
    "Һ",
    "Ц",
    "Ч",
    "Ш",
    "Щ",
    "Ъ",
    "Ы",
    "І",
    "Ь",
    "Э",
    "Ю",
    "Я",
]


def test_the_42_letters_sort_in_the_official_order():
    assert len(OFFICIAL_ORDER) == 42
    shuffled = OFFICIAL_ORDER[:]
    random.Random(7).shuffle(shuffled)
    assert sorted(shuffled, key=sort_key) == OFFICIAL_ORDER
    assert "".join(OFFICIAL_ORDER).lower() == KAZAKH_ALPHABET


def test_words_sort_as_a_kazakh_reader_expects():
    words = [
        "Ілияс",
        "Ыбырай",
        "Һәмит",
        "Үміт",
        "Ұлан",
        "Хасен",
        "Уәли",
        "Ңа",
        "Нұрлан",
        "Қайрат",
        "Кенжебек",
        "Иван",
        "Ёлка",
        "Ерлан",
        "Әсел",
        "Айгүл",
    ]
    assert sorted(words, key=sort_key) == [
        "Айгүл",
        "Әсел",
        "Ерлан",
        "Ёлка",
        "Иван",
        "Кенжебек",
        "Қайрат",
        "Нұрлан",
        "Ңа",
        "Уәли",
        "Ұлан",
        "Үміт",
        "Хасен",
        "Һәмит",
        "Ыбырай",
        "Ілияс",
    ]


def test_fold_and_loose():
    assert fold("ӘСЕЛ") == fold("әсел") == "әсел"
    assert loose("Қайрат Нұрланұлы") == loose("кайрат нурланулы")
    assert loose("Әсел Нұрланқызы") == loose("Асел Нурланкызы")
    assert loose("Ілияс") == loose("Iлияс")  # Latin I typed for Kazakh І
    assert fold("Ёлка") != fold("Елка")  # Ё stays distinct in the exact form


def test_nfd_input_folds_like_nfc():
    assert fold("Й") == fold("И\u0306")


def test_keys_are_the_four_forms_folded_once():
    from desktop.text import keys, latin_key

    rng = random.Random(7)
    letters = KAZAKH_ALPHABET + KAZAKH_ALPHABET.upper() + "İıIiəɵÄğñöşūüçẞß ΣΐǅﬁYyeKhQqJjxw-'"
    samples = ["Қайрат Нұрланұлы", "İSTANBUL", "Qayrat Nurlanuly", "", "Assel Асель Yerlan"]
    samples += ["".join(rng.choice(letters) for _ in range(rng.randrange(12))) for _ in range(2000)]
    for text in samples:
        assert keys(text) == (fold(text), loose(text), sort_key(text), latin_key(text)), text
    assert keys("Қайрат") == ("қайрат", "кайрат", sort_key("қайрат"), "kairat")
