"""`copygen serve`: the HTTP API answers like the CLI, refuses bad or huge bodies with a 4xx, never a 500."""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx2 as httpx
import pytest
from fastapi.testclient import TestClient

from copygen.campaign import campaign_schema, load_campaign
from copygen.config import build_checker
from copygen.pack import pack_schema
from copygen.server import create_app

from .helpers import EXAMPLES, ROOT, run
from .previewkit import BAD_DRAFTS, example_pack, read_preview
from .serverkit import live_server

GOOD = "姐妹们，我刚在群里领了2盒草莓，周日截止～"


@pytest.fixture(scope="module")
def app():
    return create_app()


@pytest.fixture(scope="module")
def client(app):
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


@pytest.fixture(scope="module")
def server():
    with live_server() as url:
        yield url


def cli_json(tmp_path, text, kind="lure", name="d.txt"):
    f = tmp_path / name
    f.write_text(text, encoding="utf-8")
    r = run("check", str(f), "--kind", kind, "--format", "json", "--nofail")
    rows = json.loads(r.stdout)
    for row in rows:
        row["id"] = name
    return rows


# ------------------------------------------------------------------ /check --

@pytest.mark.parametrize("text", [GOOD, *BAD_DRAFTS])
def test_check_is_the_cli_json(client, tmp_path, text):
    r = client.post("/check", json={"id": "d.txt", "kind": "lure", "text": text})
    assert r.status_code == 200
    assert r.json() == cli_json(tmp_path, text)


def test_check_accepts_a_list_and_plain_text(client, tmp_path):
    r = client.post("/check", json=[{"id": "a", "text": BAD_DRAFTS[0]}, {"kind": "welcome", "text": GOOD}])
    assert r.status_code == 200
    rows = r.json()
    assert [x["id"] for x in rows] == ["a", "2"] and [x["kind"] for x in rows] == ["lure", "welcome"]
    assert rows[0]["findings"] == cli_json(tmp_path, BAD_DRAFTS[0])[0]["findings"]
    r = client.post("/check?kind=welcome&id=w1", content=GOOD.encode(), headers={"content-type": "text/plain; charset=utf-8"})
    assert r.status_code == 200 and r.json()[0]["id"] == "w1" and r.json()[0]["kind"] == "welcome"
    assert client.post("/check", json=[]).json() == []


def test_check_pack_kinds_as_in_pack_json(client):
    p = example_pack("fruit-lead").pieces[0]
    r = client.post("/check", json={"id": p.id, "kind": p.kind, "text": p.text})
    assert r.status_code == 200
    assert r.json()[0]["findings"] == [f.model_dump() for f in p.check.findings]


def test_preview_check_marks_every_finding(client):
    r = client.post("/preview/check", json=[{"id": "x", "text": t} for t in BAD_DRAFTS])
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    found = client.post("/check", json=[{"id": "x", "text": t} for t in BAD_DRAFTS]).json()
    assert len(read_preview(r.text).bubbles) == len(BAD_DRAFTS)
    assert len(read_preview(r.text).marks) == sum(len(x["findings"]) for x in found)


# ------------------------------------------------------------------ /pack --

@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_pack_is_pack_json(client, tmp_path, path):
    r = client.post("/pack", content=path.read_bytes(), headers={"content-type": "application/yaml"})
    assert r.status_code == 200
    assert run("pack", str(path), "-o", str(tmp_path), "--nofail").exit_code == 0  # pack-level findings exit 1
    assert r.content == (tmp_path / "pack.json").read_bytes()


def test_pack_takes_json_seed_variants_and_no_check(client, tmp_path):
    data = load_campaign(EXAMPLES[0]).model_dump(mode="json")
    r = client.post("/pack?seed=3&variants=2&check=false", json=data)
    assert r.status_code == 200
    doc = r.json()
    assert doc["seed"] == 3 and doc["variants"] == 2 and all(p["check"] is None for p in doc["pieces"])
    r = client.post("/preview/pack?seed=3", json=data)
    assert r.status_code == 200 and len(read_preview(r.text).bubbles) == len(example_pack(EXAMPLES[0].stem).pieces)


def test_schema(client):
    assert client.get("/schema").json() == campaign_schema()
    assert client.get("/schema/pack").json() == pack_schema()


# ------------------------------------------------------------ bad requests --

def _campaign_error(tmp_path, text):
    f = tmp_path / "bad.yaml"
    f.write_text(text, encoding="utf-8")
    r = run("pack", str(f), "-o", str(tmp_path / "out"))
    assert r.exit_code == 2
    return r.stderr.removeprefix("copygen: ").strip().removeprefix(f"{f}: ")


@pytest.mark.parametrize("campaign", [
    "brand: {name: 林家果园}\n",
    "brand: [\n",
    "- 1\n- 2\n",
    re.sub(r"duration_days: \d+", "duration_days: 99", EXAMPLES[0].read_text(encoding="utf-8")),
])
def test_pack_errors_in_the_cli_words(client, tmp_path, campaign):
    r = client.post("/pack", content=campaign.encode(), headers={"content-type": "application/yaml"})
    assert r.status_code == 400
    detail = r.json()["detail"]
    assert detail.removeprefix("请求体: ") == _campaign_error(tmp_path, campaign)


BAD = [
    ("/check", b"{not json", "application/json", 400, "不是合法的 JSON"),
    ("/check", b'{"txt": "x"}', "application/json", 400, 'text 必须是字符串'),
    ("/check", b'[{"text": 1}]', "application/json", 400, "请求体第1篇"),
    ("/check", b'"just a string"', "application/json", 400, "或它们的列表"),
    ("/check", b'{"text": "x", "kind": "poster"}', "application/json", 400, "未知的文案类型：poster"),
    ("/check", b"\xff\xfe\x00", "application/json", 400, "不是 UTF-8"),
    ("/check", b"[" * 200_000, "application/json", 400, "嵌套太深"),
    ("/check", b"<xml/>", "application/xml", 415, "不支持的 Content-Type"),
    ("/pack", b"a: &x [1]\nb: *x\n", "application/yaml", 400, "第2行用了 YAML 别名"),
    ("/pack", b"- " * 200_000, "application/yaml", 400, "嵌套太深"),
    ("/pack", b"{}", "image/png", 415, "不支持的 Content-Type"),
    ("/pack?seed=abc", b"{}", "application/json", 422, "参数错误：query.seed"),
    ("/pack?variants=99", b"{}", "application/json", 422, "参数错误：query.variants"),
    ("/preview/pack", b"null", "application/json", 400, "顶层必须是一个映射"),
]


@pytest.mark.parametrize("url, body, ctype, status, words", BAD, ids=[f"{b[0]}-{b[4]}" for b in BAD])
def test_bad_requests_get_a_clear_4xx(client, url, body, ctype, status, words):
    r = client.post(url, content=body, headers={"content-type": ctype})
    assert r.status_code == status, r.text
    assert words in r.json()["detail"]


@pytest.mark.parametrize("url", ["/check", "/pack", "/preview/check", "/preview/pack"])
def test_ten_megabytes_get_413_declared_or_streamed(client, server, url):
    big = b'{"text": "' + b"a" * (10 * 1024 * 1024) + b'"}'
    r = client.post(url, content=big, headers={"content-type": "application/json"})
    assert r.status_code == 413 and "请求体太大" in r.json()["detail"]

    def chunks():  # no Content-Length: the limit holds on the stream itself
        yield big[:10]
        for k in range(10, len(big), 1 << 16):
            yield big[k:k + (1 << 16)]

    with httpx.Client(base_url=server, timeout=60) as c:
        r = c.post(url, content=chunks(), headers={"content-type": "application/json"})
        assert r.request.headers.get("transfer-encoding") == "chunked" and "content-length" not in r.request.headers
        assert r.status_code == 413 and "请求体太大" in r.json()["detail"]
        r = c.post(url, content=big, headers={"content-type": "application/json"})
        assert r.status_code == 413
        assert c.post("/check", json={"text": GOOD}).status_code == 200  # the server is fine afterwards


def test_limit_is_configurable_and_just_under_passes(tmp_path):
    app = create_app(max_body=2000)
    with TestClient(app) as c:
        body = json.dumps({"text": "好" * 300}, ensure_ascii=False).encode()
        assert len(body) < 2000 and c.post("/check", content=body, headers={"content-type": "application/json"}).status_code == 200
        body = json.dumps({"text": "好" * 700}, ensure_ascii=False).encode()
        assert len(body) > 2000 and c.post("/check", content=body, headers={"content-type": "application/json"}).status_code == 413


def test_random_garbage_never_500(client):
    rng = random.Random(11)
    seeds = [b"{", b"[", b'{"text":', b"\x00", b"\xe4\xbd", b'"', b"- ", b": ", b"&a", b"*a", b"!!python/object:os.system",
             b"%YAML 1.1\n", b"{{}}", b"[[[]]]", b"1e999999", b"NaN", b"\t", b"\\u0000"]
    for _ in range(300):
        body = b"".join(rng.choice(seeds) for _ in range(rng.randint(0, 12)))
        for url, ctype in (("/check", "application/json"), ("/pack", "application/yaml"), ("/pack", "application/json")):
            r = client.post(url, content=body, headers={"content-type": ctype})
            assert r.status_code < 500, (url, body, r.text)


def test_yaml_python_tags_are_not_executed(client):
    r = client.post("/pack", content=b"!!python/object/apply:os.system ['touch /tmp/copygen-pwned']\n",
                    headers={"content-type": "application/yaml"})
    assert r.status_code == 400 and not Path("/tmp/copygen-pwned").exists()


# ----------------------------------------------------------- the real server --

def test_thousand_drafts_in_a_row_on_the_real_server(server):
    """1,000 POST /check in a row over TCP, every one answered and equal to the library's verdict."""
    checker = build_checker()
    texts = [p.text for stem in ("fruit-lead", "kaoyan-knowledge", "beauty-samples") for p in example_pack(stem).pieces]
    texts += BAD_DRAFTS
    rng = random.Random(7)
    with httpx.Client(base_url=server, timeout=30) as c:
        statuses = []
        for n in range(1000):
            base = texts[n % len(texts)]
            cut = rng.randint(0, len(base))
            text = base[:cut] + rng.choice(["", "！！", "全网最低", "😀", "%NICKNAME%", "\n"]) + base[cut:]
            kind = rng.choice(["lure", "welcome", "rules", "topic", "lure.poster"])
            r = c.post("/check", json={"id": f"d{n}", "kind": kind, "text": text})
            statuses.append(r.status_code)
            assert r.status_code == 200, r.text
            if n % 50 == 0:
                assert r.json() == [checker.check(text, kind, f"d{n}").to_dict()]
    assert statuses == [200] * 1000


def test_docs_work_offline(client):
    for page in ("/docs", "/redoc"):
        r = client.get(page)
        assert r.status_code == 200
        assert "cdn." not in r.text and "https://" not in r.text and "fonts.googleapis" not in r.text
        for src in re.findall(r'(?:src|href)="([^"]+)"', r.text):
            assert src.startswith("/docs/assets/"), src
            assert client.get(src).status_code == 200
    assert client.get("/docs/assets/../server.py").status_code == 404
    spec = client.get("/openapi.json").json()
    assert {"/check", "/pack", "/schema", "/preview/check", "/preview/pack"} <= set(spec["paths"])
    assert "DraftIn" in spec["components"]["schemas"]


def test_page_is_self_contained(client):
    r = client.get("/")
    assert r.status_code == 200
    csp = r.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "connect-src 'self'" in csp
    assert "https://" not in r.text and "<link" not in r.text


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_copygen_serve_command_binds_loopback(tmp_path):
    exe = Path(sys.executable).parent / "copygen"
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    proc = subprocess.Popen([str(exe if exe.exists() else shutil.which("copygen")), "serve", "--port", str(port)],
                            cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                r = httpx.post(f"http://127.0.0.1:{port}/check", json={"text": BAD_DRAFTS[0]}, timeout=5)
                break
            except httpx.TransportError:
                assert proc.poll() is None, proc.stderr.read().decode()
                assert time.monotonic() < deadline, "copygen serve did not answer"
                time.sleep(0.2)
        assert r.status_code == 200 and r.json()[0]["passed"] is False
        out = subprocess.run(["ss", "-ltnH", f"sport = :{port}"], capture_output=True, text=True).stdout \
            if shutil.which("ss") else f"127.0.0.1:{port}"
        assert f"127.0.0.1:{port}" in out
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    assert "copygen: 打开 http://127.0.0.1" in proc.stderr.read().decode()


def test_serve_without_fastapi_is_a_clear_error(tmp_path):
    code = ("import sys, builtins; real = builtins.__import__\n"
            "def imp(name, *a, **k):\n"
            "    if name.split('.')[0] in ('fastapi', 'uvicorn'): raise ModuleNotFoundError(name=name)\n"
            "    return real(name, *a, **k)\n"
            "builtins.__import__ = imp\n"
            "from copygen.cli import main; sys.argv = ['copygen', 'serve']; main()\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 2 and r.stderr.startswith("copygen: ") and "copygen[serve]" in r.stderr
