import pytest

from mailkit.address import AddressError, format_address, parse_address
from mailkit.message import Message


def test_parse_address():
    assert parse_address("Ada Lovelace <ada@Example.ORG>") == ("Ada Lovelace", "ada@example.org")
    assert parse_address("  bob@example.com ") == ("", "bob@example.com")
    with pytest.raises(AddressError):
        parse_address("not-an-address")


def test_format_address_quotes_special_names():
    assert format_address("ada@example.org", "Ada") == "Ada <ada@example.org>"
    assert format_address("x@example.org", "Smith, John") == '"Smith, John" <x@example.org>'


def test_render_message():
    msg = Message(
        "Ada <ada@example.org>",
        ["bob@example.com"],
        "Hello",
        "Hi Bob",
        cc=["Eve <eve@example.com>"],
        headers={"Message-ID": "<42@example.org>"},
    )
    assert msg.render() == (
        "From: Ada <ada@example.org>\nTo: bob@example.com\nCc: Eve <eve@example.com>\n"
        "Subject: Hello\nMessage-ID: <42@example.org>\n\nHi Bob"
    )


def test_recipients_are_deduplicated():
    msg = Message("a@example.org", ["b@example.org", "C <c@example.org>"], "s", cc=["B@Example.org", "d@example.org"])
    assert msg.recipients() == ["b@example.org", "c@example.org", "d@example.org"]


def test_message_needs_recipient():
    with pytest.raises(ValueError):
        Message("a@example.org", [], "empty")


def test_reply_all_threads_and_quotes():
    original = Message(
        "ann@example.org",
        ["me@example.org", "joe@example.org"],
        "Plans",
        "Lunch?\nAt noon.",
        headers={"Message-ID": "<1@example.org>"},
    )
    reply = original.reply("me@example.org", "Sure.", reply_all=True)
    assert reply.subject == "Re: Plans"
    assert reply.to == ["ann@example.org"]
    assert reply.cc == ["joe@example.org"]
    assert reply.body == "Sure.\n\n> Lunch?\n> At noon."
    assert reply.headers["In-Reply-To"] == "<1@example.org>"
    assert reply.headers["References"] == "<1@example.org>"


def test_standard_headers_cannot_be_set_as_extra():
    msg = Message("a@example.org", ["b@example.org"], "s")
    with pytest.raises(ValueError):
        msg.set_header("subject", "other")


def test_set_header_affects_only_that_message():
    first = Message("a@example.org", ["b@example.org"], "one")
    first.set_header("X-Priority", "1")
    second = Message("a@example.org", ["b@example.org"], "two")
    assert second.headers == {}
    assert "X-Priority" not in second.render()


def test_new_message_is_not_threaded_after_a_reply():
    original = Message("a@example.org", ["b@example.org"], "Q", "?", headers={"Message-ID": "<9@example.org>"})
    original.reply("b@example.org", "!")
    fresh = Message("b@example.org", ["c@example.org"], "New topic", "Hello")
    assert "In-Reply-To" not in fresh.headers


def test_forward_includes_original():
    original = Message("a@example.org", ["me@example.org"], "Report", "numbers")
    fwd = original.forward("me@example.org", ["boss@example.org"], "FYI")
    assert fwd.subject == "Fwd: Report"
    assert fwd.body.startswith("FYI\n\n---------- Forwarded message ----------\nFrom: a@example.org")
    assert fwd.body.endswith("numbers")
