"""Spectrum-based suspiciousness formulas.

Each takes the spectrum of one line — ``ef``/``ep``: failing/passing tests that executed it,
``nf``/``np``: failing/passing tests that did not — and returns a score, higher = more suspicious.
A line no failing test executed always scores 0 (it cannot be the cause of those failures).
"""

from __future__ import annotations

import math
from collections.abc import Callable

Formula = Callable[[int, int, int, int], float]


def ochiai(ef: int, ep: int, nf: int, np: int) -> float:
    denom = math.sqrt((ef + nf) * (ef + ep))
    return ef / denom if denom else 0.0


def dstar(ef: int, ep: int, nf: int, np: int, star: int = 2) -> float:
    """DStar (Wong et al. 2014) with * = 2; a line only failing tests run, missed by none, is
    given ``ef**star + 1`` instead of infinity, so it stays comparable and sorts first."""
    if ef == 0:
        return 0.0
    denom = ep + nf
    return float(ef**star) / denom if denom else float(ef**star + 1)


def tarantula(ef: int, ep: int, nf: int, np: int) -> float:
    if ef == 0:
        return 0.0
    fail = ef / (ef + nf)
    pass_ = ep / (ep + np) if ep + np else 0.0
    return fail / (fail + pass_)


FORMULAS: dict[str, Formula] = {"ochiai": ochiai, "dstar": dstar, "tarantula": tarantula}
