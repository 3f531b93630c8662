"""Word, sentence and readability statistics for English text."""
