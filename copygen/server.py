"""`copygen serve`: the checker and the pack over HTTP, and a small page for operators.

    POST /check           drafts in (one {"id","kind","text"} or a list, or text/plain), the
                          same JSON as `copygen check --format json` out (always a list)
    POST /pack            a campaign (JSON or YAML) in, pack.json out
    POST /preview/check   drafts in, the preview page (HTML) of the judged drafts out
    POST /preview/pack    a campaign in, pack.html out
    GET  /schema          JSON Schema of the campaign file (/schema/pack: of pack.json)
    GET  /                the operator's page: paste a draft or upload a campaign
    GET  /docs, /redoc    OpenAPI docs (Swagger UI / ReDoc from the fastapi-offline package: no CDN)

Requests never touch the file system: bodies are parsed in memory, the server's
rules and config are fixed when it starts.  Every body is read through a byte
counter and refused with 413 past ``max_body`` (default 1 MB) whether or not the
client sent a Content-Length.  Bad input gets a 4xx whose ``detail`` is the same
Chinese line the CLI prints.
"""

from __future__ import annotations

import base64
import hashlib
import re
import threading
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from fastapi import FastAPI, Query, Request
from fastapi_offline import FastAPIOffline
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from . import __version__
from .campaign import campaign_schema, parse_campaign
from .config import Config, build_checker, load_config
from .engine import BASE_KINDS, Checker
from .errors import CopygenError, InputError, field_errors, parse_data
from .pack import build_pack, pack_schema
from .packrules import build_pack_checker
from .packout import to_json
from .preview import drafts_doc, render_html
from .render import default_catalogue
from .slots import KINDS

MAX_BODY = 1_000_000
JUDGED_KINDS = frozenset(BASE_KINDS) | frozenset(KINDS)
_JSON_TYPES = re.compile(r"^application/(?:[\w.+-]+\+)?json$")
_YAML_TYPES = {"application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml", "text/plain"}
_HERE = Path(__file__).resolve().parent / "templates_html"


class ApiError(HTTPException):
    pass


class _NoAliasLoader(yaml.SafeLoader):
    """YAML from the network may not use anchors/aliases: a few hundred bytes of nested
    aliases expand to billions of nodes when the campaign is validated."""

    def compose_node(self, parent, index):  # noqa: ANN001, ANN201 - PyYAML's signature
        if self.check_event(yaml.AliasEvent):
            line = self.peek_event().start_mark.line + 1
            raise InputError(f"请求体: 第{line}行用了 YAML 别名（*名字）；通过网页和 API 提交的活动文件不能用锚点和别名")
        return super().compose_node(parent, index)


async def read_body(request: Request, limit: int) -> bytes:
    """The body, counted as it streams in; 413 as soon as it passes ``limit`` bytes."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise ApiError(413, f"请求体太大：{int(declared)} 字节，最多 {limit} 字节")
    buf = bytearray()
    async for chunk in request.stream():
        buf += chunk
        if len(buf) > limit:
            raise ApiError(413, f"请求体太大：超过 {limit} 字节")
    return bytes(buf)


def _media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";", 1)[0].strip().lower()


def _text(body: bytes) -> str:
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError("请求体: 不是 UTF-8 文本") from None


def parse_drafts(body: bytes, media: str, kind: str, draft_id: str | None) -> list[tuple[str, str, str]]:
    """(id, kind, text) for every draft in a /check body."""
    if media == "text/plain":
        return [(draft_id or "-", kind, _text(body).rstrip("\n"))]
    if media and not _JSON_TYPES.match(media):
        raise ApiError(415, f"不支持的 Content-Type：{media}（请用 application/json 或 text/plain）")
    data = parse_data(_text(body), "请求体", is_json=True)
    single = isinstance(data, dict)
    rows = [data] if single else data
    if not isinstance(rows, list):
        raise InputError('请求体: 需要一篇草稿 {"id", "kind", "text"} 或它们的列表')
    out = []
    for n, row in enumerate(rows, 1):
        if not isinstance(row, dict) or not isinstance(row.get("text"), str):
            where = "请求体" if single else f"请求体第{n}篇"
            raise InputError(f'{where}: 需要 {{"id", "kind", "text"}}，text 必须是字符串')
        k = row.get("kind") or kind
        rid = row.get("id")
        out.append((str(rid) if rid is not None else (draft_id or "-") if single else str(n),
                    k if isinstance(k, str) else str(k), row["text"]))
    return out


def parse_campaign_body(body: bytes, media: str):
    if media and not _JSON_TYPES.match(media) and media not in _YAML_TYPES:
        raise ApiError(415, f"不支持的 Content-Type：{media}（请用 application/json 或 application/yaml）")
    is_json = bool(_JSON_TYPES.match(media))
    data = parse_data(_text(body), "请求体", is_json=is_json, loader=_NoAliasLoader)
    return parse_campaign(data, "请求体")


def _sha256(text: str) -> str:
    return base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode()


@lru_cache(maxsize=1)
def _page() -> tuple[str, str]:
    """The operator's page and its Content-Security-Policy (the preview's script may run in its frame)."""
    import jinja2

    from .preview import _assets

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(_HERE), encoding="utf-8"), autoescape=True,
                             undefined=jinja2.StrictUndefined)
    js = (_HERE / "app.js").read_text(encoding="utf-8")
    css = (_HERE / "app.css").read_text(encoding="utf-8")
    preview_js = str(_assets()["js"])
    from markupsafe import Markup

    html = env.get_template("app.html.j2").render(js=Markup(js), css=Markup(css), version=__version__,
                                                  kinds=[("lure", "引流文案"), ("welcome", "欢迎语"),
                                                         ("rules", "群规/群公告"), ("topic", "每日话题")])
    csp = (f"default-src 'none'; script-src 'sha256-{_sha256(js)}' 'sha256-{_sha256(preview_js)}'; "
           "style-src 'unsafe-inline'; connect-src 'self'; img-src data:; frame-src 'self'; base-uri 'none'; "
           "form-action 'none'; frame-ancestors 'none'")
    return html, csp


_BODY_DOC = {
    "check": {"content": {
        "application/json": {"schema": {"oneOf": [
            {"$ref": "#/components/schemas/DraftIn"}, {"type": "array", "items": {"$ref": "#/components/schemas/DraftIn"}}]},
            "example": {"id": "d1", "kind": "lure", "text": "姐妹们，我刚在群里领了2盒草莓，周日截止～"}},
        "text/plain": {"schema": {"type": "string"}, "example": "尊敬的会员：本店即日起开展入群有礼活动"}},
        "required": True},
    "campaign": {"content": {
        "application/json": {"schema": {"type": "object", "description": "活动文件（GET /schema）"}},
        "application/yaml": {"schema": {"type": "string", "description": "活动文件（YAML，不允许锚点和别名）"}}},
        "required": True},
}
_DRAFT_SCHEMA = {"type": "object", "required": ["text"], "properties": {
    "id": {"type": "string", "description": "草稿编号，原样返回"},
    "kind": {"type": "string", "description": "lure / welcome / rules / topic，或 pack 里的类型如 lure.poster"},
    "text": {"type": "string"}}}


def create_app(config: Config | None = None, max_body: int = MAX_BODY) -> FastAPI:
    """The ASGI app; ``config`` (rule packs, severities, lexicons) is fixed for its lifetime."""
    cfg = config or Config()
    checker: Checker = build_checker(cfg)
    catalogue = default_catalogue()
    lock = threading.Lock()  # one judge at a time: the checker's caches are not made for threads

    # FastAPIOffline: FastAPI whose /docs and /redoc load Swagger UI / ReDoc from files shipped in
    # the fastapi-offline package (a fixed static folder) instead of a CDN, so the docs work offline.
    app = FastAPIOffline(title="copygen", version=__version__, static_url="/docs/assets",
                         description="私域社群文案：检查草稿、生成整套文案包。错误信息与命令行相同。")

    def _run(fn, *args):
        def locked():
            with lock:
                return fn(*args)
        return run_in_threadpool(locked)

    @app.exception_handler(CopygenError)
    async def _copygen_error(request: Request, exc: CopygenError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=400)

    @app.exception_handler(RequestValidationError)
    async def _bad_params(request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"detail": "参数错误：" + "；".join(field_errors(exc))}, status_code=422)

    def judge(drafts: list[tuple[str, str, str]]) -> list:
        for _, kind, _ in drafts:
            if kind not in JUDGED_KINDS:
                raise InputError(f"未知的文案类型：{kind[:40]}（可选 lure、welcome、rules、topic，或 pack 里的类型如 lure.poster）")
        return [checker.check(text, kind, did) for did, kind, text in drafts]

    def make_pack(body: bytes, media: str, seed: int, variants: int, check: bool):
        c = parse_campaign_body(body, media)
        return build_pack(c, catalogue, checker if check else None, seed=seed, variants=variants,
                          pack_checker=build_pack_checker(cfg))  # the same pack rules as `copygen pack`

    async def drafts_from(request: Request, kind: str, draft_id: str | None):
        body = await read_body(request, max_body)
        return parse_drafts(body, _media_type(request), kind, draft_id)

    Kind = Query("lure", max_length=40, description="没写 kind 的草稿按这个类型检查")
    Id = Query(None, max_length=200, description="text/plain 草稿的编号")
    Seed = Query(0, ge=0, le=2**31 - 1, description="选模板的随机种子")
    Variants = Query(1, ge=1, le=10, description="每个位置出几条不同写法")
    Check = Query(True, description="false：只生成，不检查")

    @app.post("/check", summary="检查草稿（与 copygen check --format json 相同）",
              openapi_extra={"requestBody": _BODY_DOC["check"]})
    async def check(request: Request, kind: str = Kind, id: str | None = Id) -> Response:  # noqa: A002
        drafts = await drafts_from(request, kind, id)
        reports = await _run(judge, drafts)
        return JSONResponse([r.to_dict() for r in reports])

    @app.post("/preview/check", summary="检查草稿，返回聊天气泡预览（HTML）", response_class=HTMLResponse,
              openapi_extra={"requestBody": _BODY_DOC["check"]})
    async def preview_check(request: Request, kind: str = Kind, id: str | None = Id) -> Response:  # noqa: A002
        drafts = await drafts_from(request, kind, id)
        reports = await _run(judge, drafts)
        return HTMLResponse(render_html(drafts_doc(reports, "草稿检查")))

    @app.post("/pack", summary="活动文件 → 整套文案包（pack.json）", openapi_extra={"requestBody": _BODY_DOC["campaign"]})
    async def pack(request: Request, seed: int = Seed, variants: int = Variants, check: bool = Check) -> Response:
        body = await read_body(request, max_body)
        doc = await _run(make_pack, body, _media_type(request), seed, variants, check)
        return Response(to_json(doc), media_type="application/json")

    @app.post("/preview/pack", summary="活动文件 → 聊天气泡预览（pack.html）", response_class=HTMLResponse,
              openapi_extra={"requestBody": _BODY_DOC["campaign"]})
    async def preview_pack(request: Request, seed: int = Seed, variants: int = Variants, check: bool = Check) -> Response:
        body = await read_body(request, max_body)
        doc = await _run(make_pack, body, _media_type(request), seed, variants, check)
        return HTMLResponse(render_html(doc))

    @app.get("/schema", summary="活动文件的 JSON Schema")
    async def schema() -> dict[str, Any]:
        return campaign_schema()

    @app.get("/schema/pack", summary="pack.json 的 JSON Schema")
    async def schema_pack() -> dict[str, Any]:
        return pack_schema()

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def page() -> Response:
        html, csp = _page()
        return HTMLResponse(html, headers={"Content-Security-Policy": csp, "X-Content-Type-Options": "nosniff"})

    app.openapi_schema = None
    _openapi = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            spec = _openapi()
            spec.setdefault("components", {}).setdefault("schemas", {})["DraftIn"] = _DRAFT_SCHEMA
            app.openapi_schema = spec
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app


def serve(host: str = "127.0.0.1", port: int = 8000, config_path: str | None = None, max_body: int = MAX_BODY) -> None:
    """`copygen serve`: run the app under uvicorn until Ctrl-C."""
    import sys

    import uvicorn

    app = create_app(load_config(config_path), max_body=max_body)
    if host not in ("127.0.0.1", "localhost", "::1"):
        print(f"copygen: 注意：服务监听在 {host}，同一网络里的人都能访问，而且没有登录验证", file=sys.stderr)
    print(f"copygen: 打开 http://{'[' + host + ']' if ':' in host else host}:{port}/ （API 文档在 /docs），Ctrl-C 退出",
          file=sys.stderr)
    uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False)
