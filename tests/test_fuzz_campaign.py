"""Fuzzing campaign files through `copygen pack`: random YAML/JSON structures, wrong types, missing
fields, huge numbers, bad dates.  Never a crash: a bad campaign is exit 2 with exactly one line on
stderr starting with `copygen: ` and nothing written; a campaign that still validates packs.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from pathlib import Path

import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from .helpers import EXAMPLES, run

BASE = yaml.safe_load((EXAMPLES[0].parent / "fruit-lead.yaml").read_text(encoding="utf-8"))
BAD_DATES = ["2026-02-30", "2026-13-01", "0000-01-01", "9999-12-31", "明天", "12月5日", 20261301, "2026/12/05",
             "2026-12-05T25:00", dt.date(1, 1, 1), dt.date(9999, 12, 31), dt.date(2026, 12, 3)]
HUGE = [10**30, -10**30, 2**63, -(2**63) - 1, 1e308, -1e308, float("inf"), float("-inf"), float("nan"), 0, -1,
        0.5, 1e-300]

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**6), 10**6), st.sampled_from(HUGE), st.sampled_from(BAD_DATES),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=30),
    st.text(st.characters(blacklist_categories=("Cs",)), min_size=150, max_size=400),  # over max_length
    st.sampled_from(["", " ", "lead", "fan", "invite", "group_goal", "threshold", "qrcode", "%NICKNAME%", "{{ x }}",
                     "\n", "none", "null", "yes", "~"]),
)
junk = st.recursive(scalars, lambda c: st.lists(c, max_size=4) | st.dictionaries(st.text(max_size=10), c, max_size=4),
                    max_leaves=10)


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, prefix + (i,))


PATHS = [p for p in _paths(BASE) if p]


def _mutate(data, path, action, value, key):
    parent = data
    for step in path[:-1]:
        parent = parent[step]
    last = path[-1]
    if action == "delete":
        del parent[last]
    elif action == "set":
        parent[last] = value
    elif isinstance(parent[last], dict):  # add an unknown (or known) key
        parent[last][key] = value
    else:
        parent[last] = value


mutation = st.tuples(st.sampled_from(PATHS), st.sampled_from(["delete", "set", "set", "add"]), junk,
                     st.sampled_from(["groop", "start_date", "deadline", "quantity", "kind", "", "名字"]))


@st.composite
def campaign_files(draw) -> tuple[str, bytes]:
    shape = draw(st.sampled_from(["mutated", "mutated", "mutated", "junk", "text", "bytes"]))
    if shape == "bytes":
        return draw(st.sampled_from([".yaml", ".json"])), draw(st.binary(max_size=200))
    if shape == "text":
        return draw(st.sampled_from([".yaml", ".json"])), draw(st.text(max_size=200)).encode("utf-8", "surrogatepass")
    if shape == "junk":
        data = draw(junk)
    else:
        data = json.loads(json.dumps(BASE, default=str))  # a deep copy with dates as strings
        for path, action, value, key in draw(st.lists(mutation, min_size=1, max_size=3)):
            try:
                _mutate(data, path, action, value, key)
            except (KeyError, IndexError, TypeError):
                pass  # an earlier mutation removed or replaced the parent: keep what we have
    suffix = draw(st.sampled_from([".yaml", ".json"]))
    if suffix == ".json":
        return suffix, json.dumps(data, ensure_ascii=False, default=str).encode()
    return suffix, yaml.safe_dump(data, allow_unicode=True).encode()


# A campaign that validates is packed and checked for real (about a second), so a third of the
# profile's examples: 20 under `ci`, 1000 under `long`.
def _variant(**changes) -> tuple[str, bytes]:
    data = json.loads(json.dumps(BASE, default=str))
    for dotted, value in changes.items():
        section, key = dotted.split("__")
        data[section][key] = value
    return ".yaml", yaml.safe_dump(data, allow_unicode=True).encode()


@settings(max_examples=max(10, settings().max_examples // 3))
@given(campaign_files())
@example(_variant(lure__claimed=10**30))  # still a campaign: packs
@example(_variant(group__start_date="9999-12-31"))  # found by this test: day arithmetic overflowed
@example(_variant(lure__value_yuan=float("nan")))
@example(_variant(group__type="fan", group__duration_days=30))
def test_any_campaign_file_packs_or_is_refused_in_one_line(case):
    suffix, content = case
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / f"c{suffix}"
        src.write_bytes(content)
        out = Path(tmp) / "out"
        r = run("pack", str(src), "-o", str(out))
        assert r.exit_code in (0, 1, 2), (r.exit_code, r.output)
        assert "Traceback" not in r.output
        if r.exit_code == 2:
            lines = r.stderr.splitlines()
            assert len(lines) == 1 and lines[0].startswith("copygen: ") and len(lines[0]) > 12, r.stderr
            assert not out.exists()  # nothing is written for a bad campaign
        else:
            assert (out / "pack.json").is_file() and json.loads((out / "pack.json").read_text(encoding="utf-8"))


@given(junk.filter(lambda d: not isinstance(d, dict) or "brand" not in d))
def test_random_structures_are_always_bad_campaigns(data):
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "c.json"
        src.write_text(json.dumps(data, ensure_ascii=False, default=str), encoding="utf-8")
        r = run("pack", str(src), "-o", str(Path(tmp) / "out"))
        assert r.exit_code == 2
        lines = r.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"copygen: {src}"), r.stderr
