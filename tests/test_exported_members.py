import apr


def test_all_exports_resolve() -> None:
    for name in apr.__all__:
        assert getattr(apr, name) is not None, name
    assert sorted(apr.__all__) == sorted(set(apr.__all__))
