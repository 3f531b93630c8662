import pytest

from matrixlib.linalg import determinant, mat_vec, multiply, power, trace


def test_multiply_square():
    assert multiply([[1, 2], [3, 4]], [[5, 6], [7, 8]]) == [[19, 22], [43, 50]]


def test_multiply_rectangular():
    a = [[1, 2, 3], [4, 5, 6]]
    b = [[7, 8, 9, 10], [11, 12, 13, 14], [15, 16, 17, 18]]
    assert multiply(a, b) == [[74, 80, 86, 92], [173, 188, 203, 218]]


def test_multiply_shape_mismatch():
    with pytest.raises(ValueError):
        multiply([[1, 2]], [[1, 2]])


def test_mat_vec():
    assert mat_vec([[1, 2, 3], [4, 5, 6]], [1, 0, -1]) == [-2, -2]


def test_power_fibonacci():
    assert power([[1, 1], [1, 0]], 10) == [[89, 55], [55, 34]]


def test_trace():
    assert trace([[2, 9], [9, 3]]) == 5


def test_determinant():
    assert determinant([[2, 0, 1], [1, 3, 2], [1, 1, 2]]) == pytest.approx(6.0)
    assert determinant([[1, 2], [2, 4]]) == 0.0
