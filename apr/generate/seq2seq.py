"""Seq2seq generation (MultiMend): a fine-tuned CodeT5 rewrites each hunk's lines.

Per hunk, the model reads MultiMend's input ``"<Language> <buggy lines> : <retrieved lines>
<context>"`` (:func:`apr.models.formats.format_input`, through the tokenizer's own special tokens),
where the context is the enclosing function and the retrieved lines come from the configured
retriever (:func:`apr.context.build_context`; ``lexical`` needs no weights, ``minilm`` is
MultiMend's all-MiniLM-L6-v2). Beam search returns ``num_return`` outputs per checkpoint.

MultiMend's choices, kept here:

- several checkpoints (MultiMend: the last 5 of a fine-tuning run) each answer every hunk; their
  outputs are merged by beam rank, then score (every checkpoint's best output first, then every
  second best, ...), and repeated outputs are kept once;
- outputs identical to the buggy lines (whitespace aside) are dropped;
- the empty output, deleting the buggy lines, comes first.

Training targets are the fixed lines dedented (:func:`apr.models.formats.format_target`), so each
output is re-indented to the hunk's first line (relative indentation kept) and replaces the hunk's
whole lines. Candidate ``i`` of a hunk (0 = the deletion) scores ``hunk.score * RANK_DECAY ** i``:
rank order within a hunk, and across hunks of equal suspiciousness the candidates interleave.

Each checkpoint is loaded once per generator (lazily, on first use) and answers the hunks of
:meth:`Seq2SeqGenerator.prepare` in batches. The time spent per hunk (context, plus its share of
each batch) is in :meth:`Seq2SeqGenerator.stats`.
"""

from __future__ import annotations

import textwrap
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from apr.context import HunkContext, Retriever, build_context, make_retriever
from apr.errors import ModelUnavailable, UsageError
from apr.generate.base import Context
from apr.lang.text import decode_source
from apr.model import Candidate, Edit, Hunk

if TYPE_CHECKING:
    from apr.config import RepairConfig

RANK_DECAY = 0.99
"""Score factor per rank position within a hunk's candidates."""

Scored = tuple[str, float]


class RepairModel(Protocol):
    """What the generator needs of a loaded checkpoint (:class:`apr.models.Seq2SeqModel`)."""

    def repair_input(self, language: str, buggy: str, context: str,
                     retrieved: Sequence[str] = ()) -> str: ...

    def generate(self, inputs: list[str], beam: int, n: int, max_input: int = 512,
                 max_output: int = 256, *, batch_size: int = 8) -> list[list[Scored]]: ...


Loader = Callable[[str], RepairModel]


@runtime_checkable
class BatchGenerator(Protocol):
    """A generator that works best on all hunks at once (the pipeline calls :meth:`prepare`
    with every hunk before asking for any hunk's candidates) and reports statistics."""

    def prepare(self, hunks: Sequence[Hunk], contexts: Sequence[Context]) -> None: ...

    def stats(self) -> dict[str, Any]: ...


@dataclass(frozen=True, slots=True)
class Seq2SeqSettings:
    """How the seq2seq generator searches.

    Attributes:
        models: checkpoint directories or hub ids; a directory of ``checkpoint-<step>``
            folders (``apr train``'s output) stands for its last ``last_checkpoints`` ones.
        beam: beam width (MultiMend: 100).
        num_return: outputs kept per checkpoint and hunk (at most ``beam``; MultiMend: 100).
        retriever: a name in :data:`apr.context.RETRIEVERS` (``none``, ``lexical``, ``minilm``,
            ``default``).
        retrieve_k: at most this many retrieved lines (MultiMend: 5).
        retrieve_threshold: the largest cosine distance of a retrieved line (MultiMend: 0.5).
        last_checkpoints: checkpoints taken from a training output directory (MultiMend: 5).
        batch_size: inputs searched together.
        max_input: input tokens kept (MultiMend: 512).
        max_output: most tokens generated per output (MultiMend: 256).
    """

    models: tuple[str, ...]
    beam: int = 100
    num_return: int = 100
    retriever: str = "lexical"
    retrieve_k: int = 5
    retrieve_threshold: float = 0.5
    last_checkpoints: int = 5
    batch_size: int = 8
    max_input: int = 512
    max_output: int = 256

    @classmethod
    def from_config(cls, config: RepairConfig) -> Seq2SeqSettings:
        return cls(models=config.model, beam=config.beam, num_return=config.num_return,
                   retriever=config.retriever, retrieve_k=config.retrieve_k,
                   retrieve_threshold=config.retrieve_threshold,
                   last_checkpoints=config.model_checkpoints, max_output=config.max_output)


@dataclass(frozen=True, slots=True)
class Proposal:
    """One model output for a hunk: its text, score, rank in its beam and checkpoint."""

    text: str
    score: float
    beam_rank: int
    checkpoint: str


@dataclass(slots=True)
class _Stats:
    load_seconds: float = 0.0
    hunk_seconds: dict[str, float] = field(default_factory=dict)

    def add(self, hunk: Hunk, seconds: float) -> None:
        key = f"{hunk.file}:{hunk.first_line}-{hunk.last_line}"
        self.hunk_seconds[key] = round(self.hunk_seconds.get(key, 0.0) + seconds, 4)


class Seq2SeqGenerator:
    """Candidates from one or more seq2seq checkpoints (see the module docstring).

    Args:
        settings: the search settings; ``settings.models`` must name at least one model.
        loader: loads a checkpoint (default :func:`apr.models.load_seq2seq`); tests pass fakes.
        retriever: finds similar lines (default: built from ``settings.retriever``).

    Raises:
        ModelUnavailable: no model given, or a path-like model name that is no directory. A
            checkpoint that fails to load raises it on first use.
        UsageError: ``beam``, ``num_return`` or ``batch_size`` below 1.

    Not thread-safe: one instance per run.
    """

    name = "seq2seq"

    def __init__(self, settings: Seq2SeqSettings, *, loader: Loader | None = None,
                 retriever: Retriever | None = None) -> None:
        _check(settings)
        self.settings = settings
        self.checkpoints = resolve_checkpoints(settings.models, settings.last_checkpoints)
        self._loader = loader or load_model
        self._retriever = retriever
        self._models: dict[str, RepairModel] = {}
        self._proposals: dict[Hunk, list[Proposal]] = {}
        self._stats = _Stats()

    @classmethod
    def from_config(cls, config: RepairConfig) -> Seq2SeqGenerator:
        """The generator a run's settings describe (``model``, ``beam``, ``retriever``...)."""
        return cls(Seq2SeqSettings.from_config(config))

    def prepare(self, hunks: Sequence[Hunk], contexts: Sequence[Context]) -> None:
        """Search every checkpoint for every hunk not searched yet, in batches."""
        todo = [(h, c) for h, c in zip(hunks, contexts, strict=True) if h not in self._proposals]
        if not todo:
            return
        found = [self._context(h, c) for h, c in todo]
        merged: list[list[Proposal]] = [[] for _ in todo]
        for checkpoint in self.checkpoints:
            for hunk_proposals, new in zip(merged, self._search(checkpoint, todo, found),
                                           strict=True):
                hunk_proposals.extend(new)
        for (hunk, _), proposals in zip(todo, merged, strict=True):
            self._proposals[hunk] = merge_proposals(proposals)

    def generate(self, hunk: Hunk, context: Context) -> Iterator[Candidate]:
        """The deletion, then the merged model outputs, re-indented, as whole-line edits."""
        if not 0 <= hunk.start < hunk.end <= len(context.source):
            return
        self.prepare([hunk], [context])
        lines = LineSpan.of(hunk, context.source)
        texts = candidate_texts(self._proposals[hunk], lines.text)
        for position, (text, proposal) in enumerate(texts):
            yield _candidate(hunk, context, lines, position, text, proposal)

    def stats(self) -> dict[str, Any]:
        """Seconds spent loading models, and per hunk (``file:first-last``)."""
        return {"checkpoints": list(self.checkpoints),
                "load_seconds": round(self._stats.load_seconds, 3),
                "hunk_seconds": dict(self._stats.hunk_seconds)}

    def _context(self, hunk: Hunk, context: Context) -> HunkContext:
        started = time.monotonic()
        found = build_context(hunk, context.source, context.language, self._get_retriever(),
                              self.settings.retrieve_k, self.settings.retrieve_threshold)
        self._stats.add(hunk, time.monotonic() - started)
        return found

    def _search(self, checkpoint: str, todo: Sequence[tuple[Hunk, Context]],
                found: Sequence[HunkContext]) -> list[list[Proposal]]:
        model = self._model(checkpoint)
        inputs = [model.repair_input(f.language or c.language.name, f.buggy, f.function,
                                     f.retrieved) for (_, c), f in zip(todo, found, strict=True)]
        s = self.settings
        started = time.monotonic()
        outputs = model.generate(inputs, s.beam, min(s.num_return, s.beam), s.max_input,
                                 s.max_output, batch_size=s.batch_size)
        share = (time.monotonic() - started) / len(todo)
        for hunk, _ in todo:
            self._stats.add(hunk, share)
        return [[Proposal(text, score, rank, checkpoint) for rank, (text, score) in enumerate(out)]
                for out in outputs]

    def _model(self, checkpoint: str) -> RepairModel:
        if checkpoint not in self._models:
            started = time.monotonic()
            self._models[checkpoint] = self._loader(checkpoint)
            self._stats.load_seconds += time.monotonic() - started
        return self._models[checkpoint]

    def _get_retriever(self) -> Retriever:
        if self._retriever is None:
            self._retriever = make_retriever(self.settings.retriever)
        return self._retriever


def _check(settings: Seq2SeqSettings) -> None:
    if not settings.models:
        raise ModelUnavailable(
            "the seq2seq generator needs a model: pass --model DIR_OR_ID (a fine-tuned CodeT5 "
            "checkpoint directory, an `apr train` output directory, or a hub id), or set "
            "`model` in the pipeline or [tool.apr]")
    low = {k: v for k, v in (("beam", settings.beam), ("num_return", settings.num_return),
                             ("batch_size", settings.batch_size),
                             ("model_checkpoints", settings.last_checkpoints)) if v < 1}
    if low:
        raise UsageError(f"seq2seq: {', '.join(low)} must be at least 1, got {low}")


def load_model(name: str) -> RepairModel:
    """:func:`apr.models.load_seq2seq`, with a missing torch/transformers as ModelUnavailable."""
    try:
        from apr.models.loading import load_seq2seq

        return load_seq2seq(name)
    except ImportError as exc:
        raise ModelUnavailable(f"cannot load model {name!r}: {exc.name or exc} is not installed "
                               "(pip install -e '.[ml]'; see docs/training.md)") from exc


def resolve_checkpoints(models: Sequence[str], last: int = 5) -> tuple[str, ...]:
    """The checkpoints ``models`` name, in order, without repeats.

    A directory holding ``checkpoint-<step>`` folders (an ``apr train`` output) gives its last
    ``last`` complete checkpoints, oldest first (MultiMend uses the last five); any other
    directory, or a hub id, gives itself.

    Raises:
        ModelUnavailable: a path-like name (``/``, ``.``, ``~``, or an existing parent) that is
            no directory.
    """
    from apr.models.train import checkpoints

    found: dict[str, None] = {}
    for model in models:
        path = Path(model).expanduser()
        if path.is_dir():
            steps = checkpoints(path)
            names = [str(p) for p in steps[-last:]] if steps else [str(path)]
        elif _path_like(model):
            raise ModelUnavailable(f"cannot load model {model!r}: no such directory")
        else:
            names = [model]
        found.update(dict.fromkeys(names))
    return tuple(found)


def _path_like(name: str) -> bool:
    return name.startswith(("/", ".", "~")) or name.count("/") > 1 or "\\" in name


def merge_proposals(proposals: Sequence[Proposal]) -> list[Proposal]:
    """MultiMend's merge of several checkpoints' outputs: by beam rank, then score (higher
    first); ties keep the given (checkpoint) order."""
    return sorted(proposals, key=lambda p: (p.beam_rank, -p.score))


def candidate_texts(proposals: Sequence[Proposal],
                    buggy: str) -> list[tuple[str, Proposal | None]]:
    """The texts to propose for a hunk whose lines are ``buggy``: the deletion (``""``) first,
    then each distinct output (first occurrence kept; whitespace-only differences and outputs
    equal to ``buggy`` dropped)."""
    seen = {_squash(buggy), ""}
    texts: list[tuple[str, Proposal | None]] = [("", None)]
    for proposal in proposals:
        key = _squash(proposal.text)
        if key not in seen:
            seen.add(key)
            texts.append((proposal.text, proposal))
    return texts


def _squash(text: str) -> str:
    return " ".join(text.split())


@dataclass(frozen=True, slots=True)
class LineSpan:
    """The whole lines of a hunk: bytes ``[start, end)`` (no final line ending), their text,
    the first line's indentation, the file's line ending, and where a deletion ends."""

    start: int
    end: int
    text: str
    indent: str
    newline: str
    delete_end: int

    @classmethod
    def of(cls, hunk: Hunk, source: bytes) -> LineSpan:
        start = source.rfind(b"\n", 0, hunk.start) + 1
        newline_at = source.find(b"\n", max(hunk.end - 1, hunk.start))
        stop = len(source) if newline_at < 0 else newline_at
        end = stop - 1 if stop > start and source[stop - 1 : stop] == b"\r" else stop
        text = decode_source(source[start:end])
        indent = text[: len(text) - len(text.lstrip(" \t"))]
        newline = "\r\n" if b"\r\n" in source else "\n"
        return cls(start, end, text, indent, newline, len(source) if newline_at < 0
                   else newline_at + 1)


def reindent(text: str, indent: str, newline: str = "\n") -> str:
    """``text`` (dedented model output) with ``indent`` before every non-blank line; relative
    indentation is kept, blank lines are emptied, lines are joined by ``newline``."""
    lines = textwrap.dedent(text.replace("\r\n", "\n")).strip("\n").split("\n")
    return newline.join(indent + line.rstrip() if line.strip() else "" for line in lines)


def _candidate(hunk: Hunk, context: Context, lines: LineSpan, position: int, text: str,
               proposal: Proposal | None) -> Candidate:
    score = hunk.score * RANK_DECAY ** position
    where = (f"line {hunk.first_line}" if hunk.first_line == hunk.last_line
             else f"lines {hunk.first_line}-{hunk.last_line}")
    if proposal is None:
        edit = Edit(context.file, lines.start, lines.delete_end, "")
        return Candidate((edit,), "seq2seq", "delete", score, f"seq2seq: delete {where}")
    new = reindent(text, lines.indent, lines.newline)
    edit = Edit(context.file, lines.start, lines.end, new)
    first = text.strip().splitlines()[0] if text.strip() else ""
    description = (f"seq2seq: {where} -> `{first[:80]}` ({Path(proposal.checkpoint).name}, "
                   f"beam rank {proposal.beam_rank + 1})")
    return Candidate((edit,), "seq2seq", "rewrite", score, description)
