"""Never the same work twice: candidates that make the same program are validated once.

Generators reach one program by several roads (a template and a mask filling; a multi-hunk
combination equal to a single-hunk candidate; ``a+b`` and ``(a + b)``). A candidate's *program
key* is, per changed file, the normalized syntax tree (:func:`apr.lang.normal.normalized_tree`,
docstrings kept) of the smallest function around its edits (else the top-level statement, else
the file) — with where that node starts and how many bytes follow it, which pins down the
untouched rest of the file. Equal keys are equal programs, so the second candidate is answered
from the first's result (``duplicate_of``), its tests not run. The key is conservative: two
equal programs may get different keys (edits in two functions against one), never the reverse.

The same parse rejects a candidate whose file no longer parses, when the original did, as
``compile_failed`` without running a test (the ranking stage drops most of them; multi-hunk
combinations come here unchecked).

Only conclusive outcomes are remembered: a timeout or an error may not repeat.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Hashable
from dataclasses import dataclass
from pathlib import PurePosixPath

from tree_sitter import Node

from apr.generate.edits import apply_edits
from apr.lang import LanguageSupport, language_for_path
from apr.lang.normal import tree_text
from apr.model import Candidate, Outcome, ValidationResult
from apr.project.workspace import Snapshot

_REMEMBERED = frozenset({Outcome.PLAUSIBLE, Outcome.PARTIAL, Outcome.TEST_FAILED,
                         Outcome.COMPILE_FAILED})

ProgramKey = tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Examined:
    """A candidate's program key (None: unknown, validate it), or why it cannot compile."""

    key: ProgramKey | None
    broken: str = ""


class Programs:
    """The program keys of a run's candidates and the results known for them; thread-safe."""

    def __init__(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot
        self._lock = threading.Lock()  # tree-sitter parsers are not thread-safe
        self._clean: dict[str, bool] = {}
        self._languages: dict[str, LanguageSupport | None] = {}  # our own parsers
        self._originals: dict[str, bytes] = {}  # read once, not per candidate
        self._known: dict[tuple[Hashable, ProgramKey], ValidationResult] = {}
        self._held: dict[tuple[Hashable, ProgramKey],
                         tuple[ValidationResult, bool | None]] = {}  # set_aside
        self.answered = 0

    def examine(self, candidate: Candidate) -> Examined:
        """The program key of ``candidate``; never raises (an edit that does not apply gets
        no key, and validation reports it)."""
        keys = []
        with self._lock:
            for file in candidate.files:
                try:
                    original = self._original(file)
                    edits = [e for e in candidate.edits if e.file == file]
                    patched = apply_edits(original, edits)
                except (ValueError, OSError):
                    return Examined(None)
                start = min(e.start for e in edits)
                old_end = max(e.end for e in edits)
                found = self._key(file, original, patched, start, old_end)
                if isinstance(found, Examined):
                    return found
                keys.append((file, found))
        return Examined(tuple(keys))

    def version(self, candidate: Candidate) -> dict[str, bytes] | None:
        """The files ``candidate`` writes, patched (None when an edit does not apply)."""
        out = {}
        with self._lock:
            for file in candidate.files:
                try:
                    out[file] = apply_edits(self._original(file),
                                            [e for e in candidate.edits if e.file == file])
                except (ValueError, OSError):
                    return None
        return out

    def known(self, examined: Examined, candidate: Candidate, index: int,
              mode: Hashable) -> ValidationResult | None:
        """The result of an earlier candidate with the same program, validated the same way
        (``mode``: a run without ``-x`` lists every failing test, one without test selection
        checks the whole suite), as ``candidate``'s."""
        if examined.key is None:
            return None
        with self._lock:
            earlier = self._known.get((mode, examined.key))
            if earlier is None:
                return None
            self.answered += 1
        return dataclasses.replace(
            earlier, candidate=candidate, index=index, seconds=0.0, tests_run=0, diff="",
            duplicate_of=earlier.index, test_stages={},
            detail=f"the same program as candidate {earlier.index}")

    def remember(self, examined: Examined, result: ValidationResult, mode: Hashable) -> None:
        """Keep ``result`` (numbered as in the whole run) as the answer for its program."""
        if examined.key is None or result.outcome not in _REMEMBERED:
            return
        with self._lock:
            self._known.setdefault((mode, examined.key), result)

    def set_aside(self, index: int, cached: bool | None = None) -> None:
        """Candidate ``index``'s result was dropped (it ran beside the last patch the run
        wanted): it answers no later candidate as a duplicate, but a later one that makes the
        same program takes it as its own (:meth:`held`) instead of running the tests again.
        ``cached``: whether the validation cache knew it (None: not asked)."""
        with self._lock:
            for key in [k for k, r in self._known.items() if r.index == index]:
                self._held[key] = (self._known.pop(key), cached)

    def held(self, examined: Examined, candidate: Candidate, index: int,
             mode: Hashable) -> tuple[ValidationResult, bool | None] | None:
        """The result set aside for ``candidate``'s program (once), as ``candidate``'s own,
        and whether the cache knew it."""
        if examined.key is None:
            return None
        with self._lock:
            found = self._held.pop((mode, examined.key), None)
        if found is None:
            return None
        return dataclasses.replace(found[0], candidate=candidate, index=index), found[1]

    def _key(self, file: str, original: bytes, patched: bytes, start: int,
             old_end: int) -> str | Examined:
        lang = self._language(file)
        if lang is None:
            return patched.decode("latin-1")
        tree = lang.reparse(original, start, old_end, patched)
        if tree.root_node.has_error and self._parses(file, original, lang):
            return Examined(None, f"{file}: the patched file does not parse")
        new_end = old_end + len(patched) - len(original)
        nodes = _around(tree.root_node, start, new_end, lang)
        lo, hi = min(start, nodes[0].start_byte), max(new_end, nodes[-1].end_byte)
        if any(n.has_error for n in nodes):  # the shape may not show the layout: the text
            body = patched[lo:hi].decode("latin-1")
        else:
            body = " ".join(tree_text(n, lang, docstrings=True) for n in nodes
                            if n.type not in lang.grammar.comment_types)
        return f"{lo}:{len(patched) - hi}:{body}"

    def _original(self, file: str) -> bytes:
        if file not in self._originals:
            self._originals[file] = self.snapshot.read(file)
        return self._originals[file]

    def _language(self, file: str) -> LanguageSupport | None:
        suffix = PurePosixPath(file).suffix
        if suffix not in self._languages:
            shared = language_for_path(file)
            self._languages[suffix] = None if shared is None else LanguageSupport(shared.grammar)
        return self._languages[suffix]

    def _parses(self, file: str, original: bytes, lang: LanguageSupport) -> bool:
        if file not in self._clean:
            self._clean[file] = not lang.has_errors(original)
        return self._clean[file]


def _around(root: Node, start: int, end: int, lang: LanguageSupport) -> list[Node]:
    """The innermost function holding bytes ``[start, end)``, else the top-level statements
    they touch, else the whole file. Any nodes spanning the edits make a sound key (the bytes
    around them are the original's; between top-level statements lies only layout), and few
    are cheap to normalize per candidate."""
    found: Node | None = None
    node: Node | None = root
    while node is not None:
        inner = next((c for c in node.children
                      if c.start_byte <= start and end <= c.end_byte), None)
        if inner is not None and inner.type in lang.grammar.function_types:
            found = inner
        node = inner
    if found is not None:
        return [found]
    touched = [c for c in root.children if c.start_byte < end and start < c.end_byte] or [
        c for c in root.children if c.start_byte <= end and start <= c.end_byte]
    return touched or [root]
