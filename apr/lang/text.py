"""Source bytes as text and back, byte for byte, whatever the file's encoding.

Real projects keep sources in ISO-8859-1 (older Apache Java projects) or declare another
encoding in a Python coding line (PEP 263). apr never needs to know: every source is decoded as
UTF-8 with ``errors="surrogateescape"``, so a byte that is not valid UTF-8 becomes a lone
surrogate (``0xFC`` -> ``"\\udcfc"``) and :func:`encode_source` turns it back into the very same
byte. Text taken from a file and written back (an edit's unchanged parts, a template's donor
code) therefore keeps the file's bytes exactly. Lone surrogates survive :mod:`json` (written as
``\\udcfc`` escapes with the default ``ensure_ascii``); writing them to a UTF-8 text stream
needs ``errors="surrogateescape"`` (:data:`ERRORS`).

Models and tokenizers reject lone surrogates: :func:`model_text` shows each escaped byte as the
ISO-8859-1 character it stands for (``"\\udcfc"`` -> ``"ü"``), the likeliest reading, and
:func:`restore_escapes` turns those characters in a model's answer back into the escaped bytes,
so that an ``ü`` the model copies from a Latin-1 file is written as the file's byte.
"""

from __future__ import annotations

import re
from typing import TextIO

ERRORS = "surrogateescape"
"""The ``errors=`` of every UTF-8 decode or encode of source text (and of diffs)."""

_ESCAPED = re.compile("[\udc80-\udcff]")


def decode_source(data: bytes) -> str:
    """``data`` as text; bytes that are not UTF-8 become lone surrogates (see the module doc)."""
    return data.decode("utf-8", ERRORS)


def encode_source(text: str) -> bytes:
    """The bytes of ``text``: the inverse of :func:`decode_source`.

    Raises:
        UnicodeEncodeError: ``text`` holds a surrogate that no decoded byte produced.
    """
    return text.encode("utf-8", ERRORS)


def model_text(text: str) -> str:
    """``text`` for a model or tokenizer: each escaped byte as its ISO-8859-1 character."""
    return _ESCAPED.sub(lambda m: chr(ord(m.group()) - 0xDC00), text)


def restore_escapes(answer: str, prompt: str) -> str:
    """``answer`` with each character that :func:`model_text` made of an escaped byte of
    ``prompt`` escaped again (the other characters are the model's own)."""
    shown = {chr(ord(s) - 0xDC00) for s in _ESCAPED.findall(prompt)}
    if not shown:
        return answer
    return "".join(chr(ord(c) + 0xDC00) if c in shown else c for c in answer)


def print_source(text: str, stream: TextIO) -> None:
    """``print(text, file=stream)``, escaped bytes written as they are in the files when the
    stream's encoding cannot take them (through its binary buffer; else as :func:`model_text`).
    """
    try:
        print(text, file=stream)
        return
    except UnicodeEncodeError:
        pass
    buffer = getattr(stream, "buffer", None)
    if buffer is None:
        print(model_text(text), file=stream)
        return
    stream.flush()
    buffer.write(encode_source(text + "\n"))
    buffer.flush()


def is_utf8(data: bytes) -> bool:
    """Whether ``data`` decodes as UTF-8 without an escaped byte."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
