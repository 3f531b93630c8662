"""Construction and element-wise operations on matrices.

A matrix is a list of rows, each row a list of numbers of the same length.
"""

from __future__ import annotations

Matrix = list[list[float]]


def shape(m: Matrix) -> tuple[int, int]:
    """(rows, columns) of ``m``."""
    rows = len(m)
    cols = len(m[0]) if rows else 0
    if any(len(row) != cols for row in m):
        raise ValueError("ragged matrix: rows have different lengths")
    return rows, cols


def zeros(rows: int, cols: int) -> Matrix:
    return [[0] * cols for _ in range(rows)]


def identity(n: int) -> Matrix:
    return [[1 if i == j else 0 for j in range(n)] for i in range(n)]


def transpose(m: Matrix) -> Matrix:
    """Swap rows and columns."""
    rows, cols = shape(m)
    return [[m[i][j] for i in range(rows)] for j in range(rows)]


def add(a: Matrix, b: Matrix) -> Matrix:
    if shape(a) != shape(b):
        raise ValueError(f"cannot add {shape(a)} and {shape(b)} matrices")
    return [[x + y for x, y in zip(ra, rb)] for ra, rb in zip(a, b)]


def scale(m: Matrix, k: float) -> Matrix:
    return [[k * x for x in row] for row in m]


def column(m: Matrix, j: int) -> list[float]:
    return [row[j] for row in m]
