"""Inputs people actually have: drafts in GB18030/GBK, UTF-16 or UTF-8 with a BOM, forced
encodings, and undecodable files (one line, exit 2)."""

from __future__ import annotations

import codecs
import json

import pytest

from copygen.errors import Exit

from .helpers import run

DRAFT = "尊敬的会员：本店全网最低价，國家級專家推薦！！\n第二行：拉3个朋友进群就送500g车厘子"


def _rows(result) -> dict:
    return json.loads(result.output.strip().splitlines()[0])


@pytest.fixture()
def utf8_row(tmp_path):
    p = tmp_path / "plain.txt"
    p.write_bytes(DRAFT.encode("utf-8"))
    return _rows(run("check", str(p), "--format", "jsonl", "--nofail"))


@pytest.mark.parametrize("data", [
    DRAFT.encode("gb18030"),
    DRAFT.encode("gbk"),
    codecs.BOM_UTF8 + DRAFT.encode("utf-8"),
    DRAFT.encode("utf-16"),  # with its BOM
    codecs.BOM_UTF16_BE + DRAFT.encode("utf-16-be"),
    codecs.BOM_UTF32_LE + DRAFT.encode("utf-32-le"),
    DRAFT.replace("\n", "\r\n").encode("gb18030"),  # Windows line breaks
], ids=["gb18030", "gbk", "utf8-bom", "utf16", "utf16be-bom", "utf32le-bom", "gb18030-crlf"])
def test_encodings_are_detected_and_judged_like_utf8(tmp_path, utf8_row, data):
    p = tmp_path / "draft.txt"
    p.write_bytes(data)
    row = _rows(run("check", str(p), "--format", "jsonl", "--nofail"))
    assert row["dimensions"] == utf8_row["dimensions"]
    assert [(f["rule"], f["start"], f["end"], f["line"], f["column"]) for f in row["findings"]] == \
           [(f["rule"], f["start"], f["end"], f["line"], f["column"]) for f in utf8_row["findings"]]
    for f in row["findings"]:
        assert DRAFT[f["start"]:f["end"]] == f["excerpt"] or f["start"] == f["end"]


def test_encoding_can_be_forced(tmp_path, utf8_row):
    p = tmp_path / "draft.txt"
    p.write_bytes(DRAFT.encode("utf-16-le"))  # no BOM: only a named encoding can read it
    r = run("check", str(p), "--format", "jsonl", "--nofail")
    assert r.exit_code == Exit.USAGE and "--encoding" in r.output
    row = _rows(run("check", str(p), "--format", "jsonl", "--nofail", "--encoding", "utf-16-le"))
    assert row["dimensions"] == utf8_row["dimensions"]
    big5 = tmp_path / "big5.txt"
    big5.write_bytes("國家級專家推薦".encode("big5"))
    row = _rows(run("check", str(big5), "--format", "jsonl", "--nofail", "--encoding", "big5"))
    assert any(f["rule"] == "AL10" and f["excerpt"] == "國家級專家" for f in row["findings"])


def test_stdin_bytes_are_decoded_too():
    r = run("check", "-", "--format", "jsonl", "--nofail", input=DRAFT.encode("gb18030"))
    assert any(f["rule"] == "AL01" for f in _rows(r)["findings"])


@pytest.mark.parametrize("args, data, needle", [
    (["--encoding", "klingon"], b"hi", "未知的编码"),
    ([], bytes(range(256)) * 4, "编码认不出来"),
    (["--encoding", "utf-8"], "你好".encode("gbk"), "utf-8"),
    ([], codecs.BOM_UTF8 + b"\xff\xfe\xfd", "UTF-8"),
])
def test_undecodable_input_is_one_line_exit_2(tmp_path, args, data, needle):
    p = tmp_path / "bad.txt"
    p.write_bytes(data)
    r = run("check", str(p), *args)
    assert r.exit_code == Exit.USAGE and needle in r.output
    assert r.output.startswith("copygen: ") and len(r.output.strip().splitlines()) == 1


def test_jsonl_with_a_bom_and_a_forced_encoding(tmp_path):
    line = json.dumps({"id": "a", "kind": "lure", "text": "全网最低价"}, ensure_ascii=False) + "\n"
    p = tmp_path / "in.jsonl"
    p.write_bytes(codecs.BOM_UTF8 + line.encode("utf-8"))
    assert _rows(run("check", "--jsonl", str(p), "--format", "jsonl", "--nofail"))["id"] == "a"
    p.write_bytes(line.encode("gb18030"))
    assert run("check", "--jsonl", str(p)).exit_code == Exit.USAGE
    assert _rows(run("check", "--jsonl", str(p), "--format", "jsonl", "--nofail", "--encoding", "gb18030"))["id"] == "a"


def test_fix_write_keeps_the_files_encoding_and_backs_up_its_bytes(tmp_path):
    original = "姐妹们,今天进群送1斤丑橘!!\n".encode("gb18030")
    p = tmp_path / "d.txt"
    p.write_bytes(original)
    r = run("check", "--fix", "--write", str(p))
    assert r.exit_code == 0, r.output
    assert (tmp_path / "d.txt.orig").read_bytes() == original
    assert p.read_bytes().decode("gb18030") == "姐妹们，今天进群送1斤丑橘！\n"
    bom = tmp_path / "b.txt"
    bom.write_bytes("好的. 我们明天见".encode("utf-16"))
    run("check", "--fix", "--write", str(bom))
    assert bom.read_bytes().startswith(codecs.BOM_UTF16_LE) and bom.read_bytes().decode("utf-16") == "好的。我们明天见"
