"""Source text byte for byte: surrogateescape round trips, and what models and streams get."""

from __future__ import annotations

import io
import json

import pytest

from apr.lang.text import (
    decode_source,
    encode_source,
    is_utf8,
    model_text,
    print_source,
    restore_escapes,
)

LATIN1 = "// Grüße\nString s = \"über\";\n".encode("latin-1")


@pytest.mark.parametrize("data", [LATIN1, "naïve ü".encode(), bytes(range(256)), b""])
def test_every_byte_string_round_trips(data: bytes) -> None:
    assert encode_source(decode_source(data)) == data


def test_escaped_bytes_survive_json() -> None:
    text = decode_source(LATIN1)
    assert "\udcfc" in text and "ü" not in text
    assert json.loads(json.dumps(text)) == text


def test_model_text_reads_escaped_bytes_as_latin1() -> None:
    assert model_text(decode_source(LATIN1)) == LATIN1.decode("latin-1")
    assert model_text("plain ü") == "plain ü"


def test_restore_escapes_gives_the_files_bytes_back() -> None:
    prompt = decode_source(LATIN1)
    answer = restore_escapes(model_text(prompt).replace("über", "übel") + " é", prompt)
    assert encode_source(answer) == LATIN1.replace(b"\xfcber", b"\xfcbel") + " é".encode()
    assert restore_escapes("ü", "plain") == "ü"


def test_is_utf8() -> None:
    assert is_utf8("ü".encode()) and not is_utf8(LATIN1)


def test_print_source_writes_the_files_bytes() -> None:
    stream = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", write_through=True)
    print_source(decode_source(LATIN1), stream)
    assert stream.buffer.getvalue() == LATIN1 + b"\n"
    plain = io.StringIO()
    print_source("ok ü", plain)
    assert plain.getvalue() == "ok ü\n"
