"""Traditional → simplified, one character to one character.

Built from OpenCC's character table (shipped by ``opencc-python-reimplemented``)
rather than its phrase converter: a 1:1 map keeps offsets stable, which the
normaliser needs to point findings back into the raw draft.
"""

from __future__ import annotations

from pathlib import Path


def _load() -> dict[str, str]:
    import opencc  # the package only serves as the carrier of OpenCC's data files

    table = Path(opencc.__file__).resolve().parent / "dictionary" / "TSCharacters.txt"
    out: dict[str, str] = {}
    with table.open(encoding="utf-8") as fh:
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if len(parts) == 2:
                src, dst = parts[0], parts[1].split(" ")[0]
                if len(src) == 1 and len(dst) == 1 and src != dst:
                    out[src] = dst
    return out


T2S: dict[str, str] = _load()
