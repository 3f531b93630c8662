import pytest

from verkit.version import Version


def test_parse_and_str_roundtrip():
    assert str(Version.parse("v1.2.3-beta.2")) == "1.2.3-beta.2"


def test_invalid_version():
    with pytest.raises(ValueError):
        Version.parse("1.2")


def test_ordering_numeric_not_lexical():
    assert Version.parse("1.10.0") > Version.parse("1.9.9")


def test_prerelease_sorts_before_release():
    versions = ["1.0.0", "1.0.0-rc.1", "1.0.0-alpha", "1.0.0-alpha.2", "0.9.9"]
    ordered = [str(v) for v in sorted(Version.parse(v) for v in versions)]
    assert ordered == ["0.9.9", "1.0.0-alpha", "1.0.0-alpha.2", "1.0.0-rc.1", "1.0.0"]


def test_bump():
    v = Version.parse("1.4.2-rc.1")
    assert str(v.bump("minor")) == "1.5.0"
    assert str(v.bump("major")) == "2.0.0"
