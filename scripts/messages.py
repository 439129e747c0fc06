"""Rebuild the translation catalogues: `make messages`.

Danish is the source language, so the Danish catalogue is complete by construction
(msgstr = msgid); English strings are translated in locale/en/LC_MESSAGES/django.po.
Run makemessages first; this script fills Danish and reports English gaps.

`python scripts/messages.py --check` changes nothing: it runs makemessages over a
temporary copy of the source tree and reports strings that are missing from, or stale
in, the committed catalogues (tests/slagelse_ou/test_translations.py uses it).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("da", "en")
# Keep in step with the `messages` target in the Makefile.
IGNORED = (".venv", "node_modules", "static", "staticfiles", "tests", "bench")
MAKEMESSAGES = [
    "makemessages",
    *(arg for lang in LANGUAGES for arg in ("-l", lang)),
    "--no-obsolete",
    "--no-location",
    *(f"--ignore={name}" for name in IGNORED),
    "-v",
    "0",
]
# Only what makemessages reads (sources, templates) and what it merges into (.po).
COPIED_SUFFIXES = {".py", ".html", ".txt", ".po"}
NOT_COPIED = {*IGNORED, ".git", ".data", "test-artifacts", "__pycache__"}


def catalogue(lang: str, root: Path = ROOT) -> Path:
    return root / "locale" / lang / "LC_MESSAGES" / "django.po"


def fill_danish() -> int:
    po = polib.pofile(str(catalogue("da")))
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
    po = polib.pofile(str(catalogue("en")))
    return [e.msgid for e in po if not e.translated() or "fuzzy" in e.flags]


def _keys(path: Path) -> set[tuple[str, str, str]]:
    return {(e.msgctxt or "", e.msgid, e.msgid_plural or "") for e in polib.pofile(str(path)) if not e.obsolete}


def _copy_sources(dest: Path) -> None:
    for dirpath, dirnames, filenames in os.walk(ROOT):
        dirnames[:] = [d for d in dirnames if d not in NOT_COPIED]
        rel = Path(dirpath).relative_to(ROOT)
        for name in filenames:
            if Path(name).suffix in COPIED_SUFFIXES:
                (dest / rel).mkdir(parents=True, exist_ok=True)
                shutil.copy2(Path(dirpath) / name, dest / rel / name)


def catalogue_drift() -> dict[str, dict[str, list[str]]]:
    """Run makemessages on a throw-away copy of the tree; compare its msgids with ours.

    A copy, not the real tree: makemessages writes temporary files next to every
    template and rewrites the catalogues, and other people may be working in the tree.
    """
    with tempfile.TemporaryDirectory(prefix="messages-check-") as tmp:
        copy = Path(tmp)
        _copy_sources(copy)
        subprocess.run(
            [sys.executable, "manage.py", *MAKEMESSAGES], cwd=copy, check=True, capture_output=True, text=True
        )
        drift = {}
        for lang in LANGUAGES:
            fresh, ours = _keys(catalogue(lang, copy)), _keys(catalogue(lang))
            drift[lang] = {
                "missing": sorted(k[1] for k in fresh - ours),
                "stale": sorted(k[1] for k in ours - fresh),
            }
        return drift


def check() -> int:
    problems = 0
    for lang, found in catalogue_drift().items():
        for kind, msgids in found.items():
            problems += len(msgids)
            for msgid in msgids:
                print(f"{lang}: {kind}: {msgid[:100]}")
    for msgid in english_gaps():
        problems += 1
        print(f"en: untranslated: {msgid[:100]}")
    print("Catalogues are up to date." if not problems else f"{problems} problem(s): run `make messages`.")
    return 1 if problems else 0


if __name__ == "__main__":
    if "--check" in sys.argv:
        sys.exit(check())
    print(f"Danish: {fill_danish()} strings")
    gaps = english_gaps()
    print(f"English: {len(gaps)} untranslated")
    for msgid in gaps[:50]:
        print("  -", msgid.replace("\n", " ")[:100])
    sys.exit(1 if "--strict" in sys.argv and gaps else 0)
