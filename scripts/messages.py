"""Rebuild the translation catalogues: `make messages`.

Danish is the source language, so the Danish catalogue is complete by construction
(msgstr = msgid); English strings are translated in locale/en/LC_MESSAGES/django.po.
Run makemessages first; this script fills Danish and reports English gaps.
"""

from __future__ import annotations

import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent


def fill_danish() -> int:
    po = polib.pofile(str(ROOT / "locale/da/LC_MESSAGES/django.po"))
    for entry in po:
        if entry.msgid_plural:
            entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
        else:
            entry.msgstr = entry.msgid
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    po.metadata["Language"] = "da"
    po.metadata["Plural-Forms"] = "nplurals=2; plural=(n != 1);"
    po.metadata["Content-Type"] = "text/plain; charset=UTF-8"
    po.save()
    return len(po)


def english_gaps() -> list[str]:
    po = polib.pofile(str(ROOT / "locale/en/LC_MESSAGES/django.po"))
    return [e.msgid for e in po if not e.translated() or "fuzzy" in e.flags]


if __name__ == "__main__":
    print(f"Danish: {fill_danish()} strings")
    gaps = english_gaps()
    print(f"English: {len(gaps)} untranslated")
    for msgid in gaps[:50]:
        print("  -", msgid.replace("\n", " ")[:100])
    sys.exit(1 if "--strict" in sys.argv and gaps else 0)
