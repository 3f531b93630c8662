"""How natural a stretch of code is under the project's own token language model.

The correctness estimate (:mod:`apr.rank.estimate`) compares the patched lines with the buggy
ones. Both are scored under one model per patched place: the project's n-gram counts
(:mod:`apr.generate.fill.local`, built once per project and cached) with the buggy lines' own
n-grams left out, so that the buggy code does not vouch for itself and every patch of that place
is scored against the same counts.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from apr.generate.fill.local import project_files, project_model
from apr.generate.tokenlm import NgramModel, logprob, ngrams_at, token_stream
from apr.lang.base import LanguageSupport


class Naturalness:
    """``(file, source, (start, end), place)`` -> the mean natural-log probability per token of
    the bytes ``[start, end)`` of ``source`` (a version of ``file``), given the tokens before
    them, under the model of the original lines ``place`` (their n-grams left out).

    Args:
        root: the project's directory (the other files of the language are read from it).
        sources: the original content of the files that patches change.
        language: their language.
    """

    def __init__(self, root: Path | None, sources: Mapping[str, bytes],
                 language: LanguageSupport) -> None:
        self.root, self.sources, self.language = root, sources, language
        self._models: dict[tuple[str, int, int], NgramModel] = {}
        self._project: dict[str, NgramModel] = {}

    def model(self, file: str, span: tuple[int, int]) -> NgramModel:
        """The model for patches of ``file`` whose original lines are ``span``."""
        key = (file, *span)
        if key not in self._models:
            if file not in self._project:
                files = project_files(self.root, file, self.sources[file], self.language)
                self._project[file] = NgramModel(project_model(files, self.language).tables)
            stream = token_stream(self.sources[file], self.language)
            first, last = stream.first_from(span[0]), stream.before(span[1])
            left_out = ngrams_at(stream.texts, first, last, self._project[file].order)
            self._models[key] = self._project[file].without(left_out)
        return self._models[key]

    def __call__(self, file: str, source: bytes, span: tuple[int, int],
                 place: tuple[int, int]) -> float:
        """The score of ``source[span]``, under the model of the original lines ``place``."""
        stream = token_stream(source, self.language)
        first, last = stream.first_from(span[0]), stream.before(span[1])
        if last <= first:
            return 0.0
        model = self.model(file, place)
        return logprob(model, stream.texts[first:last], stream.texts[:first]) / (last - first)
