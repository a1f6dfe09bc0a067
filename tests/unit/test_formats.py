import datetime as dt

from desktop import formats, i18n


def test_month_headings_use_the_standalone_form():
    d = dt.date(2025, 3, 8)
    assert formats.format_month(d, "kk") == "2025\u202fж. наурыз"
    assert formats.format_month(d, "ru") == "март 2025\u202fг."


def test_tenge_in_both_languages():
    assert formats.format_money(1500, "kk") == "1\xa0500\xa0₸"
    assert formats.format_money(1234567, "ru") == "1\xa0234\xa0567\xa0₸"


def test_birth_dates_keep_four_digit_years():
    assert formats.format_short_date(dt.date(1987, 4, 9)) == "09.04.1987"


def test_russian_plurals_have_three_forms(lang):
    lang("ru")
    text = [
        i18n.ngettext("{count} change not yet sent", "{count} changes not yet sent", n).format(count=n)
        for n in (1, 3, 5, 21)
    ]
    assert text == [
        "1 изменение ещё не отправлено",
        "3 изменения ещё не отправлены",
        "5 изменений ещё не отправлено",
        "21 изменение ещё не отправлено",
    ]


def test_empty_message_is_not_the_catalog_header(lang):
    lang("kk")
    assert i18n._("") == ""


def test_short_datetime_keeps_four_digit_years_in_almaty_time():
    moment = dt.datetime(2026, 11, 25, 9, 5, tzinfo=dt.UTC)
    assert formats.format_short_datetime(moment) == "25.11.2026, 14:05"
    assert formats.format_short_datetime("2026-11-25T09:05:00+00:00") == "25.11.2026, 14:05"
