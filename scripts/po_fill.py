#!/usr/bin/env python3
"""Fill empty French translations of .po files from a mapping file, then leave the .po as
the source of truth. Usage: scripts/po_fill.py MAPPING.json path/to/django.po [...]

MAPPING.json is {"English msgid": "French msgstr", ...}. Entries already translated are
kept; the "fuzzy" flag is dropped on an entry that gets a translation. Multi-line msgids
are matched on their joined text. Run `make messages` afterwards to compile.
"""

import json
import re
import sys
from pathlib import Path


def _unquote(lines):
    return "".join(json.loads(line[line.index('"') :]) for line in lines if '"' in line)


def _quote(text):
    return json.dumps(text, ensure_ascii=False)


def fill(po_path, mapping):
    blocks = Path(po_path).read_text(encoding="utf-8").split("\n\n")
    missing, out = [], []
    for block in blocks:
        lines = block.split("\n")
        try:
            i_id = next(i for i, ln in enumerate(lines) if ln.startswith("msgid "))
            i_str = next(i for i, ln in enumerate(lines) if ln.startswith("msgstr "))
        except StopIteration:
            out.append(block)
            continue
        if any(ln.startswith("msgid_plural") for ln in lines):
            out.append(block)  # plural forms are edited by hand
            continue
        msgid = _unquote(lines[i_id:i_str])
        msgstr = _unquote(lines[i_str:])
        if msgid and (not msgstr or "#, fuzzy" in block):
            if msgid in mapping:
                lines = [*lines[:i_str], f"msgstr {_quote(mapping[msgid])}"]
                lines = [ln for ln in lines if ln != "#, fuzzy"]
                lines = [re.sub(r"^#, fuzzy, ", "#, ", ln) for ln in lines]
            else:
                missing.append(msgid)
        out.append("\n".join(lines))
    Path(po_path).write_text("\n\n".join(out), encoding="utf-8")
    return missing


if __name__ == "__main__":
    mapping = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    for path in sys.argv[2:]:
        for msgid in fill(path, mapping):
            print(f"{path}: untranslated: {msgid!r}")
