"""The ``local-lm`` filler: a project's own token language model ranks the fillings of a blank.

No weights: the model is built at run time from the project's source files of the blank's
language (:mod:`apr.generate.tokenlm`: Witten-Bell n-grams with a cache of the file under
repair). Candidate fillings are the donor code in scope (:mod:`apr.generate.fill.pools`); each
is scored by the log-probability of the whole filled lines (the hunk's lines, with any inserted
line) followed by a few tokens of what comes after them, given the tokens before them. The hunk's
own lines are left out of both models' counts, so the buggy code does not vouch for itself.

What is built is cached: the project model by the content of its files (a digest; up to
:data:`PROJECTS_KEPT` projects per process), the file model per file content, the hunk's model
and scores per hunk. Projects larger than ``max_tokens`` tokens are read nearest-first (the
folder of the buggy file, then its parents' other folders).
"""

from __future__ import annotations

import hashlib
import os
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from apr.generate.fill.base import MaskedCode, Scored
from apr.generate.fill.pools import POOL_SIZE, candidates
from apr.generate.fill.retrieved import RetrievedDonors
from apr.generate.fill.vocab import RULES, Vocabulary, collect
from apr.generate.site import Node, Site, walk
from apr.generate.tokenlm import (
    CACHE_WEIGHT,
    NEWLINE,
    ORDER,
    CacheModel,
    Counts,
    NgramModel,
    TokenStream,
    count_ngrams,
    logprob,
    ngrams_at,
    parse_fragment,
    token_stream,
    tokens,
)
from apr.lang.base import LanguageSupport
from apr.lang.normal import node_text

MAX_TOKENS = 300_000
"""Project tokens counted at most (about 30,000 lines of code)."""
MAX_FILE_BYTES = 1_000_000
MAX_TOTAL_BYTES = 4_000_000
"""Project bytes read at most (more than :data:`MAX_TOKENS` tokens of usual code)."""
PROJECTS_KEPT = 4
SKIPPED_DIRS = frozenset({"node_modules", "__pycache__", "venv", "site-packages", "build", "dist",
                          "target", "out"})


@dataclass(frozen=True, slots=True)
class ProjectModel:
    """A project's n-gram counts and donor vocabulary.

    Attributes:
        tables: n-gram counts over every file read (:func:`~apr.generate.tokenlm.count_ngrams`).
        vocabulary: donor code of those files.
        files: the files read, nearest to the buggy file first (it is the first).
    """

    tables: list[Counts] = field(repr=False)
    vocabulary: Vocabulary = field(repr=False)
    files: tuple[str, ...]


_PROJECTS: OrderedDict[str, ProjectModel] = OrderedDict()


def project_files(root: Path | None, file: str, source: bytes, language: LanguageSupport,
                  max_bytes: int = MAX_FILE_BYTES,
                  max_total: int = MAX_TOTAL_BYTES) -> list[tuple[str, bytes]]:
    """``(path, content)`` of the project's files of ``language``: ``file`` (with ``source``)
    first, then the others nearest to it first, until ``max_total`` bytes are read; hidden,
    build and dependency folders and files over ``max_bytes`` are skipped."""
    found = [(file, source)]
    if root is None:
        return found
    paths = [p for p in _walk(root) if p.suffix.lower() in language.extensions]
    relative = sorted((p.relative_to(root).as_posix() for p in paths),
                      key=lambda path: (_distance(path, file), path))
    total = len(source)
    for path in relative:
        size = (root / path).stat().st_size
        if path != file and size <= max_bytes and total < max_total:
            found.append((path, (root / path).read_bytes()))
            total += size
    return found


def _distance(path: str, file: str) -> int:
    """Folders between ``path``'s and ``file``'s (0: the same folder)."""
    a, b = PurePosixPath(path).parent.parts, PurePosixPath(file).parent.parts
    shared = 0
    while shared < min(len(a), len(b)) and a[shared] == b[shared]:
        shared += 1
    return len(a) + len(b) - 2 * shared


def _walk(directory: Path) -> Iterator[Path]:
    for entry in sorted(os.scandir(directory), key=lambda e: e.name):
        if entry.is_symlink():
            continue
        if entry.is_dir():
            if not entry.name.startswith(".") and entry.name not in SKIPPED_DIRS:
                yield from _walk(Path(entry.path))
        elif entry.is_file():
            yield Path(entry.path)


def project_model(files: list[tuple[str, bytes]], language: LanguageSupport,
                  order: int = ORDER, max_tokens: int = MAX_TOKENS) -> ProjectModel:
    """The model of ``files`` (in order, until ``max_tokens``), cached by their content."""
    digest = hashlib.blake2b(digest_size=16)
    for path, content in files:
        digest.update(f"{path}\0{len(content)}\0".encode() + content)
    key = f"{language.name}:{order}:{max_tokens}:{digest.hexdigest()}"
    if key in _PROJECTS:
        _PROJECTS.move_to_end(key)
        return _PROJECTS[key]
    model = _build(files, language, order, max_tokens)
    _PROJECTS[key] = model
    while len(_PROJECTS) > PROJECTS_KEPT:
        _PROJECTS.popitem(last=False)
    return model


def _build(files: list[tuple[str, bytes]], language: LanguageSupport, order: int,
           max_tokens: int) -> ProjectModel:
    sequences: list[tuple[str, ...]] = []
    vocabulary = Vocabulary()
    rules = RULES.get(language.name)
    read: list[str] = []
    total = 0
    for path, content in files:
        if total >= max_tokens and read:
            break
        root = parse_fragment(content, language)
        sequences.append(token_stream(content, language, root).texts)
        total += len(sequences[-1])
        read.append(path)
        if rules is not None:
            collect(walk(root), node_text, rules, vocabulary)
    return ProjectModel(count_ngrams(sequences, order), vocabulary, tuple(read))


def scope_names(site: Site, node: Node | None) -> list[str]:
    """The variables visible at ``node`` (the hunk's statement when None), nearest first."""
    at = node if node is not None else site.anchor
    if at is None:
        return list(site.scope_names)
    variables_at = getattr(site, "variables_at", None)  # a JavaSite knows declared variables
    if variables_at is not None:
        return [v.name for v in variables_at(at)]
    return site.names_at(at)


class _Hunk:
    """One hunk's model (its lines left out) and vocabulary, with memoized scores."""

    def __init__(self, site: Site, stream: TokenStream, project: NgramModel, file: NgramModel,
                 vocabulary: Vocabulary, weight: float) -> None:
        self.site = site
        self.stream = stream
        self.vocabulary = vocabulary
        self._models: dict[tuple[int, int], CacheModel] = {}
        self._project, self._file, self._weight = project, file, weight
        self._scores: dict[tuple[int, int, str], float] = {}

    def score(self, span: tuple[int, int], text: str) -> float:
        """The log-probability of the lines ``span`` of the file written as ``text``."""
        key = (*span, text)
        if key not in self._scores:
            model = self._model(span)
            order = model.order
            first = self.stream.before(span[0])
            left = self.stream.texts[max(0, first - (order - 1)) : first]
            middle = tokens(text, self.site.language)
            self._scores[key] = logprob(model, [*middle, *self._right(span[1], order)], left)
        return self._scores[key]

    def _model(self, span: tuple[int, int]) -> CacheModel:
        if span not in self._models:
            first, last = self.stream.first_from(span[0]), self.stream.before(span[1])
            left_out = ngrams_at(self.stream.texts, first, last, self._project.order)
            self._models[span] = CacheModel(self._project.without(left_out),
                                            self._file.without(left_out), self._weight)
        return self._models[span]

    def _right(self, end: int, order: int) -> list[str]:
        """A line break and the ``order - 1`` tokens after the lines ending at ``end``."""
        following = list(self.stream.texts[self.stream.first_from(end) :])
        if following[:1] == [NEWLINE]:
            following = following[1:]
        return [NEWLINE, *following[: order - 1]] if following else []


class LocalLMFiller:
    """Fills blanks with donor code ranked by the project's token language model.

    Args:
        order: n-gram order.
        cache_weight: weight of the file model against the project model.
        pool_size: candidates scored per blank.
        max_tokens: project tokens counted at most.
        retrieve_k: lines of the project most like the hunk whose donors join the pools
            after the file's (:mod:`apr.generate.fill.retrieved`; 0: none).
        retriever: how those lines are found (a name in :data:`apr.context.RETRIEVERS`).

    Not thread-safe: one instance per thread.
    """

    name = "local-lm"

    def __init__(self, order: int = ORDER, cache_weight: float = CACHE_WEIGHT,
                 pool_size: int = POOL_SIZE, max_tokens: int = MAX_TOKENS,
                 retrieve_k: int = 0, retriever: str = "lexical") -> None:
        self.order = order
        self.cache_weight = cache_weight
        self.pool_size = pool_size
        self.max_tokens = max_tokens
        self.donors = RetrievedDonors(retrieve_k, retriever)
        self._projects: dict[tuple[str, Path | None], ProjectModel] = {}
        self._files: dict[tuple[str, Path | None], dict[str, bytes]] = {}
        self._hunk: tuple[Site, _Hunk] | None = None

    def fill(self, masked: MaskedCode, n: int) -> list[Scored]:
        """The ``n`` most probable fillings of ``masked`` from its pool, best first (ties in
        pool order, nearest scope first)."""
        hunk = self._state(masked)
        names = scope_names(masked.site, masked.node)
        pool = candidates(masked, names, hunk.vocabulary, self._project(masked).vocabulary,
                          self.pool_size)
        span = masked.span
        scored = [(text, hunk.score(span, masked.lines(text))) for text in pool]
        scored.sort(key=lambda item: -item[1])
        return scored[: max(n, 0)]

    def score(self, masked: MaskedCode, filling: str | None = None) -> float:
        """The log-probability :meth:`fill` gives ``filling``; None scores the buggy lines."""
        text = masked.buggy_lines() if filling is None else masked.lines(filling)
        return self._state(masked).score(masked.span, text)

    def _project(self, masked: MaskedCode) -> ProjectModel:
        """The model of the blank's project (its files are read once per filler)."""
        site = masked.site
        file = masked.file or "<buggy file>"
        key = (file, masked.root)
        if key not in self._projects:
            files = project_files(masked.root, file, site.source, site.language)
            self._projects[key] = project_model(files, site.language, self.order,
                                                self.max_tokens)
            self._files[key] = dict(files)
        return self._projects[key]

    def _state(self, masked: MaskedCode) -> _Hunk:
        site = masked.site
        if self._hunk is None or self._hunk[0] is not site:
            self._hunk = (site, self._build_hunk(masked))
        return self._hunk[1]

    def _build_hunk(self, masked: MaskedCode) -> _Hunk:
        site = masked.site
        project = self._project(masked)
        stream = token_stream(site.source, site.language, site.root)
        vocabulary = NgramModel(project.tables).vocabulary
        rules = RULES.get(site.language.name)
        local = collect(site.donor_nodes, site.text, rules) if rules else Vocabulary()
        files = self._files[(masked.file or "<buggy file>", masked.root)]
        self.donors.add(site, masked.file, masked.root, files, local)
        return _Hunk(site, stream, NgramModel(project.tables, vocabulary),
                     NgramModel(_file_tables(site.source, stream, self.order), vocabulary), local,
                     self.cache_weight)


_FILE_TABLES: OrderedDict[tuple[int, str], list[Counts]] = OrderedDict()


def _file_tables(source: bytes, stream: TokenStream, order: int) -> list[Counts]:
    """The n-gram counts of one file (the last few files' are kept)."""
    key = (order, hashlib.blake2b(source, digest_size=16).hexdigest())
    if key not in _FILE_TABLES:
        _FILE_TABLES[key] = count_ngrams([stream.texts], order)
        while len(_FILE_TABLES) > PROJECTS_KEPT:
            _FILE_TABLES.popitem(last=False)
    return _FILE_TABLES[key]
