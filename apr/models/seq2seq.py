"""A loaded seq2seq model with the two calls the generators make: beam search and span infilling.

torch is imported inside the methods, so importing this module stays light.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from apr.lang.text import model_text, restore_escapes
from apr.models.formats import format_input
from apr.models.infill import fill_sentinels, sentinel_count, split_spans

Scored = tuple[str, float]


@dataclass(frozen=True, slots=True)
class Seq2SeqModel:
    """A model and its tokenizer on one device (build it with :func:`apr.models.load_seq2seq`).

    Attributes:
        model: a transformers ``AutoModelForSeq2SeqLM`` instance, in eval mode, on ``device``.
        tokenizer: its tokenizer.
        device: the torch device name.
        name: the directory or hub id it was loaded from.
    """

    model: Any = field(repr=False)
    tokenizer: Any = field(repr=False)
    device: str
    name: str

    def repair_input(self, language: str, buggy: str, context: str,
                     retrieved: Sequence[str] = ()) -> str:
        """:func:`apr.models.formats.format_input` with this tokenizer's special tokens."""
        return format_input(language, buggy, context, retrieved,
                            eos_token=self.tokenizer.eos_token or "",
                            unk_token=self.tokenizer.unk_token or "")

    def generate(self, inputs: list[str], beam: int, n: int, max_input: int = 512,
                 max_output: int = 256, *, batch_size: int = 8) -> list[list[Scored]]:
        """Beam search: for each input, the ``n`` best outputs with their scores.

        Args:
            inputs: model inputs (e.g. from :meth:`repair_input`); truncated to ``max_input``
                tokens.
            beam: beam width; ``1`` is greedy search.
            n: outputs per input, ``1 <= n <= beam``.
            max_input: input tokens kept.
            max_output: most tokens generated per output.
            batch_size: inputs encoded and searched together.

        Returns:
            one list per input, in input order, of exactly ``n`` ``(text, score)`` pairs, best
            first. Texts are decoded without special tokens and stripped (they may repeat);
            scores are length-normalized log-probabilities (higher is better, at most 0).

        Raises:
            ValueError: ``n`` or ``beam`` out of range.
        """
        if not 1 <= n <= beam:
            raise ValueError(f"need 1 <= n <= beam, got n={n}, beam={beam}")
        results: list[list[Scored]] = []
        for start in range(0, len(inputs), max(1, batch_size)):
            chunk = inputs[start:start + max(1, batch_size)]
            results.extend(self._search(chunk, beam, n, max_input, max_output, keep_special=False))
        return results

    def fill_masks(self, text_with_sentinels: str, n: int, *, beam: int | None = None,
                   max_input: int = 512, max_output: int = 64) -> list[Scored]:
        """Fill the ``<extra_id_0>``, ``<extra_id_1>``, ... spans of a text, CodeT5-style.

        Args:
            text_with_sentinels: code with one or more sentinels where spans are missing.
            n: most completions returned.
            beam: beam width (default ``n``; raised to ``n`` if smaller).
            max_input: input tokens kept.
            max_output: most tokens generated per answer.

        Returns:
            at most ``n`` ``(completed text, score)`` pairs, best first: the input with every
            sentinel replaced by its span. Answers missing a span, and repeated completions,
            are dropped.

        Raises:
            ValueError: the text holds no sentinel.
        """
        count = sentinel_count(text_with_sentinels)
        if count == 0:
            raise ValueError("fill_masks needs at least one <extra_id_N> sentinel")
        width = max(beam or n, n)
        answers = self._search([text_with_sentinels], width, width, max_input, max_output,
                               keep_special=True)[0]
        filled: dict[str, float] = {}
        for answer, score in answers:
            spans = split_spans(answer, count)
            if spans is not None:
                filled.setdefault(fill_sentinels(text_with_sentinels, spans), score)
        return list(filled.items())[:n]

    def _search(self, texts: list[str], beam: int, n: int, max_input: int, max_output: int,
                *, keep_special: bool) -> list[list[Scored]]:
        import torch

        encoded = self.tokenizer([model_text(t) for t in texts], padding=True, truncation=True,
                                 max_length=max_input, return_tensors="pt").to(self.device)
        options: dict[str, Any] = {"num_beams": beam, "num_return_sequences": n,
                                   "max_new_tokens": max_output, "do_sample": False,
                                   "output_scores": True, "return_dict_in_generate": True}
        if beam > 1:
            options["early_stopping"] = True
        with torch.inference_mode():
            out = self.model.generate(**encoded, **options)
        scores = out.sequences_scores if beam > 1 else self._greedy_scores(out)
        decoded = [restore_escapes(self._decode(ids, keep_special), texts[k // n])
                   for k, ids in enumerate(out.sequences)]
        pairs = list(zip(decoded, scores.float().cpu().tolist(), strict=True))
        return [pairs[i:i + n] for i in range(0, len(pairs), n)]

    def _greedy_scores(self, out: Any) -> Any:
        """Mean log-probability of the generated tokens (what beam search reports, length 1)."""
        import torch

        steps = self.model.compute_transition_scores(out.sequences, out.scores,
                                                     normalize_logits=True)
        is_eos = (out.sequences[:, -steps.shape[1]:] == self.tokenizer.eos_token_id).long()
        mask = (is_eos.cumsum(dim=1) - is_eos) == 0  # up to and including the first EOS
        total = torch.where(mask, steps, torch.zeros_like(steps)).sum(dim=1)
        return total / mask.sum(dim=1).clamp(min=1)

    def _decode(self, ids: Any, keep_special: bool) -> str:
        if not keep_special:
            return str(self.tokenizer.decode(ids, skip_special_tokens=True,
                                             clean_up_tokenization_spaces=False)).strip()
        text = str(self.tokenizer.decode(ids, skip_special_tokens=False,
                                         clean_up_tokenization_spaces=False))
        for token in (self.tokenizer.pad_token, self.tokenizer.eos_token,
                      self.tokenizer.bos_token):
            if token:
                text = text.replace(token, "")
        return text.strip()
