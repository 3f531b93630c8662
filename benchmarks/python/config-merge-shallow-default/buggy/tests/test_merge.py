import pytest

from layered.env import from_env
from layered.merge import DELETE, diff, merge, merge_all

DEFAULTS = {
    "debug": False,
    "db": {"host": "localhost", "port": 5432, "pool": {"min": 1, "max": 10}},
    "features": ["search"],
}


def test_override_top_level_value():
    assert merge(DEFAULTS, {"debug": True})["debug"] is True


def test_merge_keeps_sibling_settings():
    merged = merge(DEFAULTS, {"db": {"port": 5433}})
    assert merged["db"] == {"host": "localhost", "port": 5433, "pool": {"min": 1, "max": 10}}


def test_merge_nested_two_levels():
    merged = merge(DEFAULTS, {"db": {"pool": {"max": 50}}})
    assert merged["db"]["pool"] == {"min": 1, "max": 50}
    assert merged["db"]["host"] == "localhost"


def test_shallow_merge_replaces_sections():
    merged = merge(DEFAULTS, {"db": {"port": 5433}}, deep=False)
    assert merged["db"] == {"port": 5433}


def test_merge_does_not_modify_inputs():
    override = {"db": {"port": 1}, "features": ["x"]}
    merge(DEFAULTS, override)
    assert DEFAULTS["db"]["port"] == 5432 and DEFAULTS["features"] == ["search"]
    assert override == {"db": {"port": 1}, "features": ["x"]}


def test_delete_sentinel_removes_key():
    merged = merge(DEFAULTS, {"features": DELETE, "missing": DELETE})
    assert "features" not in merged and "missing" not in merged


def test_merge_all_layers_in_order():
    file_layer = {"db": {"host": "db.internal"}, "debug": True}
    env_layer = from_env({"APP__DB__PORT": "6543", "APP__DEBUG": "off", "HOME": "/root"})
    merged = merge_all([DEFAULTS, file_layer, env_layer])
    assert merged["debug"] is False
    assert merged["db"]["host"] == "db.internal"
    assert merged["db"]["port"] == 6543
    assert merged["db"]["pool"]["max"] == 10


def test_merge_all_empty():
    assert merge_all([]) == {}


def test_from_env_builds_nested_values():
    env = {"APP__DB__POOL__MAX": "20", "APP__FEATURES": '["a", "b"]', "APP__NAME": "svc"}
    assert from_env(env) == {"db": {"pool": {"max": 20}}, "features": ["a", "b"], "name": "svc"}


def test_from_env_rejects_value_and_section():
    with pytest.raises(ValueError):
        from_env({"APP__DB": "x", "APP__DB__PORT": "1"})


def test_diff_reports_dotted_paths():
    new = merge(DEFAULTS, {"db": {"port": 5433}, "debug": True, "extra": 1}, deep=True)
    assert diff(DEFAULTS, new) == ["db.port", "debug", "extra"]
