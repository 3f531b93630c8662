from __future__ import annotations

from pathlib import Path

import pytest

from apr.config import RepairConfig, resolve
from apr.errors import UsageError
from apr.pipeline import load_pipeline, pipeline_names, resolve_config


def test_precedence_defaults_pyproject_env_flags(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.apr]\nbudget = 50\nworkers = 3\nfl = 'dstar'\n")
    (tmp_path / "apr.toml").write_text("workers = 4\n")
    cfg = resolve(tmp_path, {"fl": "tarantula", "time_limit": None},
                  environ={"APR_BUDGET": "70", "HOME": "/x"})
    assert (cfg.budget, cfg.workers, cfg.fl) == (70, 4, "tarantula")
    assert cfg.time_limit == RepairConfig().time_limit


def test_bad_values_are_usage_errors(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="budget"):
        resolve(tmp_path, {"budget": 0}, environ={})
    with pytest.raises(UsageError, match="expected int"):
        resolve(tmp_path, {}, environ={"APR_WORKERS": "many"})
    (tmp_path / "apr.toml").write_text("colour = 'red'\n")
    with pytest.raises(UsageError, match="unknown setting 'colour'"):
        resolve(tmp_path, {}, environ={})


def test_broken_toml_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.apr\n")
    with pytest.raises(UsageError, match="cannot read config"):
        resolve(tmp_path, {}, environ={})


def test_pipelines_ship_with_the_package(tmp_path: Path) -> None:
    assert {"default", "ci"} <= set(pipeline_names())
    assert load_pipeline("ci")["budget"] == 200
    cfg = resolve_config(tmp_path, {"pipeline": "ci"})
    assert cfg.budget == 200 and cfg.generators == ("template", "maskfill")
    assert resolve_config(tmp_path, {"pipeline": "ci", "budget": 7}).budget == 7
    with pytest.raises(UsageError, match="unknown pipeline"):
        load_pipeline("nope")
