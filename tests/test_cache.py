"""The compiled-pack cache: a cached checker judges exactly like a fresh one, and any change to
what it was built from (a rule file, a lexicon) builds a new one."""

from __future__ import annotations

import pickle

from copygen import config as cf
from copygen.config import Config, load_config

DRAFTS = [("尊敬的会员：本店全网最低价，國家級專家推薦！！", "lure"), ("欢迎新朋友，群里都是宝妈，每天9点发特价，别发广告", "welcome"),
          ("现将有关规定公告如下：群内不得发布广告。", "rules"), ("你周末一般几点起床？", "topic")]


def _rows(ck):
    return [ck.check(t, k).to_dict() for t, k in DRAFTS]


def test_cached_checker_judges_like_a_fresh_one(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("COPYGEN_NO_CACHE", raising=False)
    fresh = cf.build_checker.__wrapped__(Config())
    files = list((tmp_path / "cache" / "copygen" / "checkers").glob("*.pickle"))
    assert len(files) == 1
    cached = cf._load_cached(files[0].stem)
    assert cached is not None and cached is not fresh
    assert _rows(cached) == _rows(fresh)
    again = cf.build_checker.__wrapped__(Config())  # a cache hit: same verdicts, a different object
    assert _rows(again) == _rows(fresh)
    assert isinstance(pickle.loads(pickle.dumps(fresh)), type(fresh))


def test_changing_a_rule_file_or_lexicon_changes_the_key(tmp_path):
    pack = tmp_path / "pack"
    (pack / "lexicons").mkdir(parents=True)
    (pack / "m.yaml").write_text("module: m\ndimension: house\napplies_to: [lure]\nprinciple: 测试\nrules:\n"
                                 "  - {id: HX01, name: x, kind: existence, message: 坏词, match: {terms: ['@rivals']}}\n",
                                 encoding="utf-8")
    (pack / "lexicons" / "rivals.txt").write_text("隔壁家\n", encoding="utf-8")
    (tmp_path / "copygen.yaml").write_text("rule_packs: [pack]\n", encoding="utf-8")
    cfg = load_config(tmp_path / "copygen.yaml")
    k1 = cf._cache_key(cfg, cf._pack_paths(cfg))
    (pack / "lexicons" / "rivals.txt").write_text("隔壁家\n对门家\n", encoding="utf-8")
    k2 = cf._cache_key(cfg, cf._pack_paths(cfg))
    (pack / "m.yaml").write_text((pack / "m.yaml").read_text(encoding="utf-8").replace("坏词", "竞品"), encoding="utf-8")
    k3 = cf._cache_key(cfg, cf._pack_paths(cfg))
    assert len({k1, k2, k3}) == 3 and k1 != cf._cache_key(Config(), [])


def test_no_cache_when_asked(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("COPYGEN_NO_CACHE", "1")
    cf.build_checker.__wrapped__(Config())
    assert not (tmp_path / "cache" / "copygen" / "checkers").exists()
