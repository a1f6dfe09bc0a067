#!/usr/bin/env python3
"""Resolves a git merge conflict in a .po catalog by keeping the translations of both sides.

    .venv/bin/python scripts/merge_po.py locales/kk/LC_MESSAGES/app.po [...]
    .venv/bin/python scripts/i18n.py extract     # then re-sync the catalogs with the code

Messages from "ours" win where both sides translated the same msgid.
"""

from __future__ import annotations

import io
import subprocess
import sys

from babel.messages.pofile import read_po, write_po


def side(path: str, stage: int):
    blob = subprocess.run(["git", "show", f":{stage}:{path}"], capture_output=True, check=True).stdout
    return read_po(io.BytesIO(blob), locale=path.split("/")[1])


def main(paths: list[str]) -> None:
    for path in paths:
        ours, theirs = side(path, 2), side(path, 3)
        for message in theirs:
            if not message.id:
                continue
            existing = ours.get(message.id, message.context)
            translated = all(message.string) if isinstance(message.string, tuple) else bool(message.string)
            if existing is None:
                ours[message.id] = message
            elif translated and not (
                all(existing.string) if isinstance(existing.string, tuple) else existing.string
            ):
                existing.string = message.string
        with open(path, "wb") as fh:
            write_po(fh, ours, width=0, sort_by_file=True)
        subprocess.run(["git", "add", path], check=True)


if __name__ == "__main__":
    main(sys.argv[1:])
