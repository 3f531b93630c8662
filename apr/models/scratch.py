"""A fresh T5 and a byte-level BPE tokenizer trained on the spot, for training from scratch and
for the tiny test model.

The tokenizer follows T5's conventions: ``<pad>`` (id 0, also the decoder start), ``</s>`` (id 1,
appended to every encoded text), ``<unk>`` (id 2), then the sentinels ``<extra_id_0>``...
Byte-level BPE (as CodeT5's tokenizer) keeps newlines and indentation, which Python fixes need.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from apr.errors import UsageError
from apr.models.infill import sentinel

SPECIAL_TOKENS = ("<pad>", "</s>", "<unk>")


@dataclass(frozen=True, slots=True)
class T5Sizes:
    """The shape of a T5 built from scratch (defaults: a small but useful model, ~10M params).

    Attributes:
        d_model: hidden size.
        layers: encoder layers (and as many decoder layers).
        heads: attention heads; ``d_model`` must divide by it.
        d_ff: feed-forward size.
        vocab_size: the tokenizer's target vocabulary size (it may end up smaller).
        sentinels: how many ``<extra_id_N>`` tokens the tokenizer reserves.
        dropout: dropout rate.
    """

    d_model: int = 256
    layers: int = 4
    heads: int = 4
    d_ff: int = 1024
    vocab_size: int = 16000
    sentinels: int = 100
    dropout: float = 0.1

    def __post_init__(self) -> None:
        if min(self.d_model, self.layers, self.heads, self.d_ff, self.vocab_size) < 1:
            raise UsageError(f"model sizes must be positive: {self}")
        if self.d_model % self.heads:
            raise UsageError(f"d_model {self.d_model} is not divisible by heads {self.heads}")


def train_tokenizer(texts: Iterable[str], sizes: T5Sizes) -> Any:
    """A transformers fast tokenizer trained on ``texts`` (byte-level BPE, T5 special tokens).

    Deterministic for the same texts in the same order.
    """
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers
    from transformers import PreTrainedTokenizerFast

    sentinels = [sentinel(i) for i in range(sizes.sentinels)]
    tokenizer = Tokenizer(models.BPE(unk_token="<unk>"))
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=sizes.vocab_size, show_progress=False,
                                  special_tokens=[*SPECIAL_TOKENS, *sentinels],
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tokenizer.train_from_iterator(texts, trainer)
    eos = tokenizer.token_to_id("</s>")
    tokenizer.post_processor = processors.TemplateProcessing(
        single="$A </s>", pair="$A </s> $B </s>", special_tokens=[("</s>", eos)])
    return PreTrainedTokenizerFast(tokenizer_object=tokenizer, pad_token="<pad>",
                                   eos_token="</s>", unk_token="<unk>",
                                   additional_special_tokens=sentinels)


def new_t5(tokenizer: Any, sizes: T5Sizes, seed: int = 0) -> Any:
    """A randomly initialized ``T5ForConditionalGeneration`` for ``tokenizer`` (seeded)."""
    import torch
    from transformers import T5Config, T5ForConditionalGeneration

    # T5 starts decoding from the pad token; the key is not in T5Config's typed signature.
    start: dict[str, Any] = {"decoder_start_token_id": tokenizer.pad_token_id}
    config = T5Config(vocab_size=len(tokenizer), d_model=sizes.d_model,
                      d_kv=sizes.d_model // sizes.heads, d_ff=sizes.d_ff,
                      num_layers=sizes.layers, num_decoder_layers=sizes.layers,
                      num_heads=sizes.heads, dropout_rate=sizes.dropout,
                      pad_token_id=tokenizer.pad_token_id, eos_token_id=tokenizer.eos_token_id,
                      **start)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return T5ForConditionalGeneration(config)
