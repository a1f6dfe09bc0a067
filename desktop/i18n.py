"""The one i18n facade: `_`, `N_`, `ngettext`, `pgettext` over gettext catalogs in locales/.

Source strings are English. Compiled .mo files are used when present; otherwise the .po is compiled in memory
(a source checkout needs no build step). Changing the language swaps the catalog for every caller at once.
"""

from __future__ import annotations

import gettext
import io
import threading
from pathlib import Path

from desktop.paths import locales_dir

DOMAIN = "app"
LANGUAGES = ("kk", "ru")
# Language names as each language calls itself (shown in the language pickers, never translated).
LANGUAGE_NAMES = {"kk": "Қазақша", "ru": "Русский"}
DEFAULT_LANGUAGE = "kk"

_lock = threading.Lock()
_translations: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"
_cache: dict[str, gettext.NullTranslations] = {}


def _load(lang: str) -> gettext.NullTranslations:
    if lang in _cache:
        return _cache[lang]
    base = locales_dir() / lang / "LC_MESSAGES"
    mo, po = base / f"{DOMAIN}.mo", base / f"{DOMAIN}.po"
    trans: gettext.NullTranslations
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        with open(mo, "rb") as fh:
            trans = gettext.GNUTranslations(fh)
    elif po.exists():
        trans = _compile_in_memory(po, lang)
    else:
        trans = gettext.NullTranslations()
    _cache[lang] = trans
    return trans


def _compile_in_memory(po: Path, lang: str) -> gettext.GNUTranslations:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with open(po, "rb") as fh:
        catalog = read_po(fh, locale=lang)
    buf = io.BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return gettext.GNUTranslations(buf)


def set_language(lang: str) -> None:
    """Switch every translation to `lang` ('kk', 'ru', or 'en' for the source strings)."""
    global _translations, _language
    with _lock:
        _translations = gettext.NullTranslations() if lang == "en" else _load(lang)
        _language = lang


def gettext_in(lang: str, message: str) -> str:
    """`message` in `lang` whatever the interface language is (exports in a chosen language, both side by side)."""
    if not message:
        return ""
    return message if lang == "en" else _load(lang).gettext(message)


def current_language() -> str:
    return _language


def _(message: str) -> str:
    # gettext("") would return the catalog header.
    if not message:
        return ""
    return _translations.gettext(message)


def N_(message: str) -> str:
    """Marks a string for extraction; translate it later with _() where it is shown."""
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translations.ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    return _translations.pgettext(context, message)


def npgettext(context: str, singular: str, plural: str, n: int) -> str:
    return _translations.npgettext(context, singular, plural, n)
