#!/usr/bin/env python3
"""Catalog maintenance: `extract` re-extracts locales/app.pot from the code and updates both catalogs (new msgids
appear with an empty msgstr to fill in); `compile` builds the .mo files; `check` lists untranslated entries.

Run from the repository root with the project's Python: `.venv/bin/python scripts/i18n.py extract`.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ROOT / "locales"
LANGS = ("kk", "ru")
KEYWORDS = ["-k", "_", "-k", "N_", "-k", "ngettext:1,2", "-k", "pgettext:1c,2", "-k", "npgettext:1c,2,3"]


def pybabel(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], cwd=ROOT, check=True)


def extract() -> None:
    pybabel(
        "extract",
        "-F",
        "babel.cfg",
        "--no-default-keywords",
        *KEYWORDS,
        "--add-comments=TRANSLATORS:",
        "--sort-by-file",
        "--no-wrap",
        "--project=Dostyq",
        "-o",
        "locales/app.pot",
        ".",
    )
    for lang in LANGS:
        po = LOCALES / lang / "LC_MESSAGES" / "app.po"
        if po.exists():
            pybabel(
                "update",
                "-i",
                "locales/app.pot",
                "-d",
                "locales",
                "-D",
                "app",
                "-l",
                lang,
                "--ignore-obsolete",
                "--no-fuzzy-matching",
                "--no-wrap",
            )
        else:
            pybabel("init", "-i", "locales/app.pot", "-d", "locales", "-D", "app", "-l", lang, "--no-wrap")
    _pin_header_dates()


def _pin_header_dates() -> None:
    """Extraction stamps the current time into the headers; pin it so catalogs only change when messages do
    (and parallel branches do not conflict on a timestamp)."""
    import re

    for path in [LOCALES / "app.pot", *(LOCALES / lang / "LC_MESSAGES" / "app.po" for lang in LANGS)]:
        text = path.read_text(encoding="utf-8")
        text = re.sub(
            r'"(POT-Creation-Date|PO-Revision-Date): [^"]*\\n"', r'"\1: 2026-01-01 00:00+0000\\n"', text
        )
        path.write_text(text, encoding="utf-8")


def compile_() -> None:
    pybabel("compile", "-d", "locales", "-D", "app", "--statistics")


def check() -> int:
    from babel.messages.pofile import read_po

    missing = 0
    for lang in LANGS:
        with open(LOCALES / lang / "LC_MESSAGES" / "app.po", "rb") as fh:
            catalog = read_po(fh, locale=lang)
        for message in catalog:
            if not message.id:
                continue
            strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
            if message.fuzzy or not all(strings):
                missing += 1
                print(f"{lang}: {message.id!r}")
    return 1 if missing else 0


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "extract"
    if command == "extract":
        extract()
    elif command == "compile":
        compile_()
    elif command == "check":
        sys.exit(check())
    else:
        sys.exit(f"unknown command {command!r}: use extract, compile or check")
