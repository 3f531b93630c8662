from verkit.ranges import max_satisfying, satisfies


def test_caret_allows_minor_and_patch_updates():
    assert satisfies("1.4.0", "^1.2.3")
    assert satisfies("1.2.3", "^1.2.3")


def test_caret_rejects_next_major():
    assert not satisfies("2.0.0", "^1.2.3")


def test_caret_rejects_older_version():
    assert not satisfies("1.2.2", "^1.2.3")


def test_caret_zero_major_pins_minor():
    assert satisfies("0.3.9", "^0.3.1")
    assert not satisfies("0.4.0", "^0.3.1")


def test_tilde():
    assert satisfies("1.2.9", "~1.2.3")
    assert not satisfies("1.3.0", "~1.2.3")


def test_comparator_list():
    assert satisfies("1.5.0", ">=1.2.0, <2.0.0")
    assert not satisfies("2.0.0", ">=1.2.0, <2.0.0")


def test_max_satisfying_caret():
    available = ["1.2.0", "1.9.1", "2.1.0", "1.10.0"]
    assert max_satisfying(available, "^1.2.0") == "1.10.0"


def test_max_satisfying_none():
    assert max_satisfying(["0.1.0", "0.2.0"], ">=1.0.0") is None
