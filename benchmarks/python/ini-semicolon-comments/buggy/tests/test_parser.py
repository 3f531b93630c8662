import pytest

from iniparse.parser import ParseError, parse

SAMPLE = """
# global settings
name = demo

[server]
host = 0.0.0.0
port: 8080
debug = yes

[database]
url = "postgres://db/app"
"""


def test_sections():
    assert parse(SAMPLE).sections() == ["server", "database"]


def test_values_and_types():
    config = parse(SAMPLE)
    assert config.get("server", "host") == "0.0.0.0"
    assert config.getint("server", "port") == 8080
    assert config.getbool("server", "debug") is True


def test_defaults_are_inherited():
    assert parse(SAMPLE).get("database", "name") == "demo"


def test_quoted_values_are_unquoted():
    assert parse(SAMPLE).get("database", "url") == "postgres://db/app"


def test_keys_are_case_insensitive():
    config = parse("[a]\nTimeout = 5\n")
    assert config.getint("a", "TIMEOUT") == 5


def test_hash_comments():
    config = parse("# top\n[a]\nx = 1  # one\n  # indented\n")
    assert config.items("a") == {"x": "1"}


def test_semicolon_full_line_comments():
    config = parse("; generated file\n[a]\n; x = 2\nx = 1\n")
    assert config.items("a") == {"x": "1"}


def test_semicolon_inline_comments():
    config = parse("[a]\nretries = 3 ; per request\n")
    assert config.getint("a", "retries") == 3


def test_hash_inside_value_is_kept():
    assert parse("[a]\ncolor = #ff0000\n").get("a", "color") == "#ff0000"


def test_malformed_line_reports_line_number():
    with pytest.raises(ParseError) as info:
        parse("[a]\nx = 1\nnot an assignment\n")
    assert info.value.lineno == 3


def test_missing_key_fallback():
    assert parse(SAMPLE).getint("server", "workers", fallback=4) == 4
