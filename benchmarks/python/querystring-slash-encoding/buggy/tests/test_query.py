from querystr.query import add_query, build_query, encode_component, parse_query


def test_simple_pairs():
    assert build_query({"q": "books", "page": 2}) == "q=books&page=2"


def test_spaces_and_ampersands_are_encoded():
    assert build_query({"q": "salt & pepper"}) == "q=salt%20%26%20pepper"


def test_slash_in_value_is_encoded():
    assert build_query({"redirect": "/account/settings"}) == "redirect=%2Faccount%2Fsettings"


def test_encode_component_path_like_value():
    assert encode_component("a/b") == "a%2Fb"


def test_lists_none_and_booleans():
    params = [("tag", ["x", "y"]), ("draft", False), ("cursor", None)]
    assert build_query(params) == "tag=x&tag=y&draft=false"


def test_sorted_output():
    assert build_query({"b": 1, "a": 2}, sort=True) == "a=2&b=1"


def test_parse_query_repeated_keys():
    assert parse_query("?tag=x&tag=y&q=a+b&empty=") == {
        "tag": ["x", "y"],
        "q": ["a b"],
        "empty": [""],
    }


def test_roundtrip():
    params = {"next": "/cart?id=7", "name": "Zoë"}
    parsed = parse_query(build_query(params))
    assert parsed == {"next": ["/cart?id=7"], "name": ["Zoë"]}


def test_add_query_to_url_with_existing_query():
    url = add_query("https://example.com/search?q=tea#top", {"page": 3})
    assert url == "https://example.com/search?q=tea&page=3#top"
