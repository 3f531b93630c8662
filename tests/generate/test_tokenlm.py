"""The token language model: tokens, smoothing, left-out counts, the file cache."""

from __future__ import annotations

import math
import textwrap

import pytest

from apr.generate.tokenlm import (
    BOS,
    NEWLINE,
    UNKNOWN,
    CacheModel,
    NgramModel,
    count_ngrams,
    logprob,
    ngrams_at,
    token_stream,
    tokens,
)
from apr.lang import get_language

PY = get_language("python")
JAVA = get_language("java")

PROJECT = textwrap.dedent('''
    def total(items):
        s = 0
        for i in range(len(items)):
            s += items[i]
        return s


    def largest(items):
        best = items[0]
        for i in range(len(items)):
            if items[i] > best:
                best = items[i]
        return best
    ''').lstrip()


def model_of(*texts: str, order: int = 3) -> NgramModel:
    return NgramModel(count_ngrams([token_stream(t.encode(), PY).texts for t in texts], order))


def vocabulary(model: NgramModel) -> list[str]:
    return [*model.vocabulary_tokens(), UNKNOWN]


def test_tokens_are_leaves_without_comments_with_whole_strings_and_line_ends() -> None:
    source = b'x = f("a b", 2)  # note\nif x is not None:\n    y = x\n'
    stream = token_stream(source, PY)
    assert stream.texts == ("x", "=", "f", "(", '"a b"', ",", "2", ")", NEWLINE, "if", "x", "is",
                            "not", "None", ":", NEWLINE, "y", "=", "x")
    assert source[stream.starts[4] : stream.ends[4]] == b'"a b"'
    assert tokens('if x is not None:\n    y = x', PY) == list(stream.texts[9:])


def test_fragments_tokenize_like_whole_files_also_in_java() -> None:
    assert tokens("<=", PY) == ["<="]
    assert tokens("    return [0.0] * len(counts)", PY) == ["return", "[", "0.0", "]", "*", "len",
                                                           "(", "counts", ")"]
    assert tokens('s.equals("a") && i <= n', JAVA) == ["s", ".", "equals", "(", '"a"', ")", "&&",
                                                       "i", "<=", "n"]


def test_token_stream_positions_find_tokens_around_an_offset() -> None:
    source = b"a = 1\nb = a + 2\n"
    stream = token_stream(source, PY)
    line = source.index(b"b")
    assert stream.texts[: stream.before(line)] == ("a", "=", "1", NEWLINE)
    assert stream.texts[stream.first_from(line)] == "b"


@pytest.mark.parametrize("history", [(), ("range", "("), ("for", "i", "in"), ("in", "range"),
                                     ("never", "seen"), (BOS, BOS)])
def test_probabilities_sum_to_one_over_the_vocabulary(history: tuple[str, ...]) -> None:
    model = model_of(PROJECT)
    assert math.isclose(sum(model.prob(w, history) for w in vocabulary(model)), 1.0,
                        rel_tol=1e-9)


def test_smoothing_gives_unseen_and_unknown_tokens_some_probability() -> None:
    model = model_of(PROJECT)
    assert model.prob("len", ("range", "(")) > model.prob("best", ("range", "(")) > 0
    assert 0 < model.prob("no_such_token", ("range", "(")) < model.prob("best", ("range", "("))


def test_left_out_ngrams_no_longer_count_and_the_rest_stays_a_distribution() -> None:
    stream = token_stream(PROJECT.encode(), PY).texts
    model = NgramModel(count_ngrams([stream], 3))
    loop = stream.index("for")
    first, last = loop, stream.index(NEWLINE, loop)  # the first `for` line
    without = model.without(ngrams_at(stream, first, last, 3))
    assert without.prob("len", ("range", "(")) < model.prob("len", ("range", "("))
    for history in [(), ("range", "("), ("i", "in")]:
        total = sum(without.prob(w, history) for w in vocabulary(model))
        assert math.isclose(total, 1.0, rel_tol=1e-9)


def test_leaving_out_a_whole_sequence_leaves_no_counts() -> None:
    stream = token_stream(PROJECT.encode(), PY).texts
    tables = count_ngrams([stream], 3)
    left = ngrams_at(stream, 0, len(stream), 3)
    assert left == tables


def test_the_file_cache_boosts_tokens_of_the_file() -> None:
    file_text = "def g(rows):\n    return largest(rows)\n"  # part of the project, as in use
    project = model_of(PROJECT, "def f(x):\n    return total(x)\n", "y = total(z)\n", file_text)
    local = NgramModel(count_ngrams([token_stream(file_text.encode(), PY).texts], 3),
                       project.vocabulary)
    cached = CacheModel(project, local, 0.3)
    history = ("return",)
    assert cached.prob("largest", history) > project.prob("largest", history)
    assert cached.prob("total", history) < project.prob("total", history)
    assert math.isclose(sum(cached.prob(w, history) for w in vocabulary(project)), 1.0,
                        rel_tol=1e-9)


def test_a_natural_statement_is_more_probable_than_an_unnatural_one() -> None:
    model = model_of(PROJECT)
    context = tokens("def f(items):\n    n = 0\n", PY)
    natural = tokens("    for i in range(len(items)):", PY)
    unnatural = tokens("    for i in range(max(items)):", PY)
    assert logprob(model, natural, context) > logprob(model, unnatural, context)
    assert logprob(model, [], context) == 0.0
