"""Switches the interface language at runtime: our gettext catalog, Qt's own qtbase translations, QLocale.

Installing a translator makes Qt send LanguageChange to every widget; each widget's changeEvent then calls its
retranslate_ui(), so the whole window changes language without a restart.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QLibraryInfo, QLocale, QTranslator

from desktop import i18n

_QT_LOCALES = {"kk": "kk_KZ", "ru": "ru_KZ", "en": "en_US"}
_translators: list[QTranslator] = []


def qlocale(lang: str | None = None) -> QLocale:
    return QLocale(_QT_LOCALES.get(lang or i18n.current_language(), "kk_KZ"))


def apply_language(lang: str) -> None:
    app = QCoreApplication.instance()
    assert app is not None  # only called once the application object exists
    i18n.set_language(lang)
    QLocale.setDefault(qlocale(lang))
    changed = bool(_translators)
    for old in _translators:
        app.removeTranslator(old)
    _translators.clear()
    path = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    translator = QTranslator(app)
    if lang != "en" and translator.load(qlocale(lang), "qtbase", "_", path):
        app.installTranslator(translator)
        _translators.append(translator)
        changed = True
    if not changed:
        # Installing or removing a translator makes Qt broadcast LanguageChange; with neither, do it ourselves.
        QCoreApplication.sendEvent(app, QEvent(QEvent.Type.LanguageChange))
