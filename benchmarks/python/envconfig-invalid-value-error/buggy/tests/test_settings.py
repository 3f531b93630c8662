import pytest

from envconf.parsers import parse_bool, parse_duration, parse_list
from envconf.settings import ConfigError, Field, Settings

FIELDS = [
    Field("port", int, default=8000, help="TCP port to listen on"),
    Field("debug", parse_bool, default=False),
    Field("database_url", secret=True),
    Field("allowed_hosts", parse_list, default=[]),
    Field("timeout", parse_duration, default=30.0),
]


def settings():
    return Settings(FIELDS, prefix="app_")


def test_parse_bool():
    assert [parse_bool(v) for v in ["yes", "ON", "0", " false "]] == [True, True, False, False]
    with pytest.raises(ValueError):
        parse_bool("maybe")


def test_parse_list_and_duration():
    assert parse_list("a.com, b.com,,") == ["a.com", "b.com"]
    assert parse_duration("1h 30m") == 5400
    assert parse_duration("250ms") == 0.25
    assert parse_duration("45") == 45.0
    with pytest.raises(ValueError):
        parse_duration("soon")


def test_load_values_and_defaults():
    env = {"APP_PORT": "9000", "APP_DATABASE_URL": "postgres://db", "APP_TIMEOUT": "2m"}
    assert settings().load(env) == {
        "port": 9000,
        "debug": False,
        "database_url": "postgres://db",
        "allowed_hosts": [],
        "timeout": 120,
    }


def test_blank_value_uses_default():
    env = {"APP_PORT": "  ", "APP_DATABASE_URL": "sqlite://"}
    assert settings().load(env)["port"] == 8000


def test_missing_required_variable():
    with pytest.raises(ConfigError, match="APP_DATABASE_URL"):
        settings().load({"APP_PORT": "1"})


def test_invalid_integer_is_a_config_error():
    env = {"APP_PORT": "eighty", "APP_DATABASE_URL": "sqlite://"}
    with pytest.raises(ConfigError, match="APP_PORT: invalid value 'eighty'"):
        settings().load(env)


def test_invalid_boolean_is_a_config_error():
    env = {"APP_DEBUG": "sometimes", "APP_DATABASE_URL": "sqlite://"}
    with pytest.raises(ConfigError, match="APP_DEBUG"):
        settings().load(env)


def test_invalid_secret_is_not_echoed():
    fields = [Field("api_key", int, secret=True)]
    with pytest.raises(ConfigError) as excinfo:
        Settings(fields).load({"API_KEY": "s3cr3t"})
    assert "s3cr3t" not in str(excinfo.value)
    assert "<hidden>" in str(excinfo.value)


def test_duplicate_fields_rejected():
    with pytest.raises(ValueError):
        Settings([Field("x"), Field("x")])


def test_describe():
    lines = settings().describe()
    assert lines[0] == "APP_PORT (int, default 8000): TCP port to listen on"
    assert lines[2] == "APP_DATABASE_URL (str, required)"
    assert lines[4] == "APP_TIMEOUT (duration, default 30.0)"
