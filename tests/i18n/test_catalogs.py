"""Both catalogs translate every message of the code and keep every {placeholder} (docs/STYLE.md rule 8)."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"\{[a-z_][a-z0-9_]*\}")


def load(lang):
    with open(ROOT / "locales" / lang / "LC_MESSAGES" / "app.po", "rb") as fh:
        return read_po(fh, locale=lang)


def as_list(value):
    return list(value) if isinstance(value, (list, tuple)) else [value]


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_every_message_is_translated_and_keeps_its_placeholders(lang):
    catalog = load(lang)
    problems = []
    for message in catalog:
        if not message.id:
            continue
        ids = as_list(message.id)
        strings = as_list(message.string)
        if message.fuzzy or not all(strings):
            problems.append(f"untranslated: {ids[0]!r}")
            continue
        wanted = set(PLACEHOLDER.findall(ids[-1])) | set(PLACEHOLDER.findall(ids[0]))
        for s in strings:
            if set(PLACEHOLDER.findall(s)) != wanted:
                problems.append(f"placeholders differ: {ids[0]!r} -> {s!r}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_catalog_matches_a_fresh_extract(tmp_path, lang):
    pot = tmp_path / "fresh.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "--no-default-keywords",
            "-k",
            "_",
            "-k",
            "N_",
            "-k",
            "ngettext:1,2",
            "-k",
            "pgettext:1c,2",
            "-k",
            "npgettext:1c,2,3",
            "-o",
            str(pot),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with open(pot, "rb") as fh:
        fresh = {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in read_po(fh) if m.id}
    have = {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in load(lang) if m.id}
    assert fresh - have == set(), "run scripts/i18n.py extract and translate the new messages"
    assert have - fresh == set(), "obsolete messages: run scripts/i18n.py extract"


def test_kazakh_plural_forms_and_russian_three_forms():
    assert load("kk").num_plurals == 2
    assert load("ru").num_plurals == 3
