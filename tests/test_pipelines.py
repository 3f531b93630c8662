"""The built-in pipelines end to end: multimend on the tiny model (plumbing), multi-hunk repairs
by the default pipeline on two-location fixture repos."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import pytest

from apr.cli import main
from apr.config import RepairConfig
from apr.generate import MaskFillGenerator, TemplateGenerator
from apr.model import Candidate, Edit, RepairStatus
from apr.pipeline import (
    Generated,
    RepairTask,
    multihunk_reserve,
    pipeline_names,
    repair,
    resolve_config,
    validation_order,
)
from tests.conftest import RepoFactory, git
from tests.models.conftest import tiny_model_dir  # noqa: F401 -- the session fixture

BENCH = Path(__file__).resolve().parent.parent / "benchmarks" / "python"
MODEL_PIPELINES = [name for name in ("multimend", "gamma") if name in pipeline_names()]


@pytest.fixture
def small_search(monkeypatch: pytest.MonkeyPatch) -> None:
    """A narrow search over two statements: the tiny model's outputs are noise, only the
    plumbing is under test."""
    monkeypatch.setenv("APR_MAX_HUNKS", "2")
    monkeypatch.setenv("APR_BEAM", "2")
    monkeypatch.setenv("APR_NUM_RETURN", "2")
    monkeypatch.setenv("APR_MAX_OUTPUT", "12")
    monkeypatch.setenv("APR_MASK_FILLS", "2")  # gamma's fillings per blank (ignored if unknown)


@pytest.mark.slow
@pytest.mark.parametrize("pipeline", MODEL_PIPELINES)
@pytest.mark.usefixtures("small_search")
def test_model_pipeline_repairs_end_to_end_on_the_tiny_model(
        pipeline: str, buggy_repo: Path, tiny_model_dir: Path, tmp_path: Path,  # noqa: F811
        capsys: pytest.CaptureFixture[str]) -> None:
    report = tmp_path / "report.json"
    code = main(["repair", str(buggy_repo), "--pipeline", pipeline, "--model",
                 str(tiny_model_dir), "--budget", "6", "--workers", "2", "--quiet",
                 "--report", str(report), "--run-dir", str(tmp_path / "run")])
    data = json.loads(report.read_text(encoding="utf-8"))
    assert code in (0, 1)
    assert data["status"] in ("none", "plausible")
    assert data["stats"]["candidates_validated"] <= 6
    assert data["settings"]["model"] == [str(tiny_model_dir)]
    assert data["settings"]["pipeline"] == pipeline
    assert "error" not in capsys.readouterr().err


@pytest.mark.parametrize("pipeline", MODEL_PIPELINES)
def test_model_pipeline_without_a_model_is_a_usage_error(
        pipeline: str, buggy_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["repair", str(buggy_repo), "--pipeline", pipeline, "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "needs a model" in err and "--model" in err
    missing = str(buggy_repo.parent / "no-such-model")
    assert main(["repair", str(buggy_repo), "--pipeline", pipeline, "--model", missing]) == 2
    assert "no such directory" in capsys.readouterr().err


@pytest.mark.usefixtures("small_search")
def test_bench_run_with_multimend_and_the_tiny_model(tmp_path: Path,
                                                     tiny_model_dir: Path) -> None:  # noqa: F811
    suite = tmp_path / "suite"
    shutil.copytree(BENCH / "lru-evicts-newest", suite / "lru-evicts-newest")
    out = tmp_path / "out"
    code = main(["bench", "run", "manifest", "--path", str(suite), "--fl", "perfect",
                 "--pipeline", "multimend", "--model", str(tiny_model_dir), "--budget", "3",
                 "--workers", "1", "--out", str(out)])
    assert code == 0
    [record] = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    assert record["status"] in ("none", "plausible"), record.get("message")
    assert record["pipeline"] == "multimend" and record["model"] == [str(tiny_model_dir)]


def test_bench_run_stops_when_the_model_is_missing(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    suite = tmp_path / "suite"
    shutil.copytree(BENCH / "lru-evicts-newest", suite / "lru-evicts-newest")
    code = main(["bench", "run", "manifest", "--path", str(suite), "--pipeline", "multimend",
                 "--model", str(tmp_path / "none"), "--out", str(tmp_path / "out")])
    assert code == 2 and "no such directory" in capsys.readouterr().err


# --- multi-hunk repairs by the default pipeline ------------------------------------------------

SAME_CHANGE = {
    "conftest.py": "",
    "shop/__init__.py": "",
    "shop/prices.py": '''
        def cents(x):
            return int(x)


        def tax(x):
            return int(x)
        ''',
    "tests/test_prices.py": '''
        from shop.prices import cents, tax


        def test_cents_round():
            assert cents(2.6) == 3


        def test_tax_rounds():
            assert tax(0.7) == 1


        def test_whole():
            assert cents(4) == 4 and tax(5) == 5
        ''',
}

TWO_FIXES = {
    "conftest.py": "",
    "calc/__init__.py": "",
    "calc/ops.py": '''
        def below(x):
            return x < 3


        def decrement(y):
            return y + 1
        ''',
    "tests/test_ops.py": '''
        from calc.ops import below, decrement


        def test_below_includes_three():
            assert below(3)


        def test_decrement():
            assert decrement(2) == 1


        def test_below_small():
            assert below(1) and not below(5)
        ''',
}


def run_default(root: Path, **flags: object) -> tuple[str, str]:
    config = resolve_config(root, {"workers": 2, "budget": 200, **flags})
    assert config.pipeline == "default"
    result = repair(RepairTask(root, config))
    assert result.status is RepairStatus.PLAUSIBLE, result.outcomes
    best = result.patches[0]
    return best.candidate.template, best.diff


@pytest.mark.slow
def test_default_pipeline_repairs_the_same_change_at_two_places(make_repo: RepoFactory) -> None:
    template, diff = run_default(make_repo(SAME_CHANGE))
    assert template == "multihunk:same"
    assert diff.count("+    return round(x)") == 2


@pytest.mark.slow
def test_default_pipeline_repairs_two_different_fixes_greedily(make_repo: RepoFactory) -> None:
    root = make_repo(TWO_FIXES)
    template, diff = run_default(root, multihunk="greedy")
    assert template == "multihunk:greedy"
    assert "+    return x <= 3" in diff and "+    return y - 1" in diff
    assert git(root, "status", "--porcelain") == ""  # the user's tree is only read


@pytest.mark.slow
def test_part_of_a_small_budget_is_kept_for_multi_hunk_patches(make_repo: RepoFactory) -> None:
    # 10 candidates: far fewer than the single-hunk ones, yet 3 are kept for the phase after
    root = make_repo(SAME_CHANGE)
    template, diff = run_default(root, budget=10, multihunk_share=0.3)
    assert template == "multihunk:same"
    assert diff.count("+    return round(x)") == 2


def test_no_budget_is_kept_for_multi_hunk_patches_with_one_hunk() -> None:
    one = Candidate((Edit("a.py", 0, 1, "x"),), "template", "t", 1.0, "d")
    two = Candidate((Edit("b.py", 0, 1, "y"),), "template", "t", 1.0, "d")
    config = RepairConfig(budget=100, multihunk_share=0.3)
    generated = Generated((), [one, two], {one: 0, two: 0}, {})
    assert multihunk_reserve(generated, config) == 0
    generated = Generated((), [one, two], {one: 0, two: 1}, {})
    assert multihunk_reserve(generated, config) == 30
    assert multihunk_reserve(generated, dataclasses.replace(config, multihunk=())) == 0


def test_late_candidates_wait_for_the_multi_hunk_phase() -> None:
    def cand(file: str, generator: str) -> Candidate:
        return Candidate((Edit(file, 0, 1, generator),), generator, "t", 1.0, "d")

    ranked = [cand("a.py", "template"), cand("a.py", "maskfill"), cand("b.py", "template"),
              cand("b.py", "maskfill"), cand("c.py", "template")]
    hunk_of = {c: "abc".index(c.edits[0].file[0]) for c in ranked}
    generated = Generated((), ranked, hunk_of, {})
    config = RepairConfig(budget=4, multihunk_share=0.5)
    gens = [TemplateGenerator(), MaskFillGenerator(lead=0.2)]
    head, tail = validation_order(generated, gens, config)
    assert head == [ranked[0], ranked[2]] and tail == [ranked[1], ranked[3], ranked[4]]
    gamma = [TemplateGenerator(), MaskFillGenerator(lead=1.0)]  # level with the templates
    assert validation_order(generated, gamma, config)[0] == ranked[:2]
    one = Generated((), ranked[:2], {ranked[0]: 0, ranked[1]: 0}, {})
    assert validation_order(one, gens, config) == (ranked[:2], [])
    unreserved = dataclasses.replace(config, multihunk_share=0.0)  # the default
    assert validation_order(generated, gens, unreserved) == (
        [ranked[0], ranked[2], ranked[4]], [ranked[1], ranked[3]])
