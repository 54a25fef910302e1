"""The checker on a Dask cluster (two worker processes on 127.0.0.1): same results as one process."""

from __future__ import annotations

import json

import pytest

from dask.distributed import Client, LocalCluster  # the [test] extra installs dask[bag] + distributed

from copygen import distributed as cd
from copygen.checker import read_jsonl
from copygen.config import load_config
from copygen.errors import InputError
from copygen.parallel import check_stream

from .test_check_cli import PACK
from .test_jobs import labelled_rows


@pytest.fixture(scope="module")
def client():
    with LocalCluster(processes=True, n_workers=2, threads_per_worker=1, host="127.0.0.1",
                      dashboard_address=None) as cluster, Client(cluster) as c:
        yield c


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    rows = labelled_rows()
    d = tmp_path_factory.mktemp("dataset")
    third = len(rows) // 3 + 1
    paths = []
    for i in range(3):
        p = d / f"part-{i}.jsonl"
        p.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows[i * third:(i + 1) * third]),
                     encoding="utf-8")
        paths.append(p)
    return paths


def single_process(paths, config=None) -> list[dict]:
    return [r.to_dict() for p in paths for r in check_stream(read_jsonl(str(p), "lure"), config, jobs=1)]


def test_cluster_results_equal_the_single_process_run(client, dataset):
    bag = cd.check_jsonl_dask([str(p) for p in dataset], blocksize=16_000)
    assert bag.npartitions >= 6  # files are split into several partitions each
    got = bag.compute()
    assert got == single_process(dataset)
    assert [r["id"] for r in got] == [r["id"] for r in labelled_rows()]
    # the rule packs were loaded once per worker process, not once per partition
    per_worker = client.run(lambda: dict(cd.builds))
    assert len(per_worker) == 2
    assert all(n == 1 for counts in per_worker.values() for n in counts.values())
    assert sum(len(c) for c in per_worker.values()) >= 1


def test_a_team_config_travels_to_the_workers(client, tmp_path):
    import dask.bag as db

    (tmp_path / "pack.yaml").write_text(PACK, encoding="utf-8")
    (tmp_path / "copygen.yaml").write_text("rule_packs: [pack.yaml]\nseverity: {HS02: error}\n", encoding="utf-8")
    cfg = load_config(tmp_path / "copygen.yaml")
    rows = [{"id": f"r{i}", "kind": "lure", "text": t}
            for i, t in enumerate(["比隔壁家甜，届时见", "我们家的橙子", "届时开抢"] * 10)]
    src = tmp_path / "rows.jsonl"
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    got = cd.check_bag(db.from_sequence(rows, npartitions=4), cfg).compute()
    assert got == single_process([src], cfg)
    rules = {f["rule"] for r in got for f in r["findings"]}
    assert {"HS01", "HS02"} <= rules
    assert all(f["severity"] == "error" for r in got for f in r["findings"] if f["rule"] == "HS02")


def test_a_bad_line_fails_the_computation_with_the_checker_message(client, tmp_path):
    src = tmp_path / "bad.jsonl"
    src.write_text('{"id": "a", "text": "好"}\n{"text": "没有编号"}\n', encoding="utf-8")
    with pytest.raises(InputError, match="没有 id"):
        cd.check_jsonl_dask([str(src)]).compute()
