from textstats.metrics import (
    average_word_length,
    flesch_reading_ease,
    lexical_diversity,
    longest_word,
    sentence_count,
    summary,
    word_count,
    word_frequencies,
)
from textstats.tokenize import syllables, words

TEXT = "The cat sat on the mat. The dog didn't! Was it extraordinary?"


def test_words_keep_apostrophes():
    assert words("Don't stop") == ["don't", "stop"]


def test_word_and_sentence_counts():
    assert word_count(TEXT) == 12
    assert sentence_count(TEXT) == 3


def test_word_frequencies_top():
    assert word_frequencies(TEXT, top=2) == [("the", 3), ("cat", 1)]


def test_longest_word():
    assert longest_word(TEXT) == "extraordinary"


def test_longest_word_first_on_ties():
    assert longest_word("red blue green") == "green"
    assert longest_word("alpha omega") == "alpha"


def test_longest_word_empty():
    assert longest_word("  ...  ") == ""


def test_average_word_length():
    assert average_word_length("a bb ccc") == 2.0


def test_lexical_diversity():
    assert lexical_diversity("a a b b") == 0.5


def test_syllables():
    assert [syllables(w) for w in ["cat", "table", "make", "banana"]] == [1, 2, 1, 3]


def test_reading_ease_of_simple_text_is_high():
    assert flesch_reading_ease("The cat sat. The dog ran.") > 100


def test_summary_keys():
    result = summary(TEXT)
    assert result["words"] == 12
    assert result["longest_word"] == "extraordinary"
