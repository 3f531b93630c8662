"""Matrix products, powers, traces and determinants."""

from __future__ import annotations

from matrixlib.core import Matrix, identity, shape


def multiply(a: Matrix, b: Matrix) -> Matrix:
    """Matrix product ``a @ b``."""
    a_rows, a_cols = shape(a)
    b_rows, b_cols = shape(b)
    if a_cols != b_rows:
        raise ValueError(f"cannot multiply {a_rows}x{a_cols} by {b_rows}x{b_cols}")
    return [
        [sum(a[i][k] * b[k][j] for k in range(a_cols)) for j in range(b_rows)]
        for i in range(a_rows)
    ]


def mat_vec(m: Matrix, v: list[float]) -> list[float]:
    """Product of ``m`` with the column vector ``v``."""
    rows, cols = shape(m)
    if len(v) != cols:
        raise ValueError("vector length does not match matrix columns")
    return [sum(m[i][k] * v[k] for k in range(cols)) for i in range(rows)]


def power(m: Matrix, n: int) -> Matrix:
    """``m`` multiplied by itself ``n`` times (square matrices only)."""
    rows, cols = shape(m)
    if rows != cols:
        raise ValueError("power requires a square matrix")
    if n < 0:
        raise ValueError("negative powers are not supported")
    result = identity(rows)
    base = m
    while n:
        if n & 1:
            result = multiply(result, base)
        base = multiply(base, base)
        n >>= 1
    return result


def trace(m: Matrix) -> float:
    rows, cols = shape(m)
    if rows != cols:
        raise ValueError("trace requires a square matrix")
    return sum(m[i][i] for i in range(rows))


def determinant(m: Matrix) -> float:
    """Determinant by Gaussian elimination with partial pivoting."""
    n, cols = shape(m)
    if n != cols:
        raise ValueError("determinant requires a square matrix")
    a = [[float(x) for x in row] for row in m]
    det = 1.0
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(a[r][col]))
        if a[pivot][col] == 0:
            return 0.0
        if pivot != col:
            a[col], a[pivot] = a[pivot], a[col]
            det = -det
        det *= a[col][col]
        for r in range(col + 1, n):
            factor = a[r][col] / a[col][col]
            for c in range(col, n):
                a[r][c] -= factor * a[col][c]
    return det
