"""Ranking plausible patches by an estimate of their correctness (:mod:`apr.rank.estimate`)."""

from __future__ import annotations

from apr.rank.estimate import Estimator, estimate, rank_plausible

__all__ = ["Estimator", "estimate", "rank_plausible"]
