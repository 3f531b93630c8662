import pytest

from matrixlib.core import add, column, identity, scale, shape, transpose


def test_shape():
    assert shape([[1, 2, 3], [4, 5, 6]]) == (2, 3)
    with pytest.raises(ValueError):
        shape([[1, 2], [3]])


def test_identity():
    assert identity(3) == [[1, 0, 0], [0, 1, 0], [0, 0, 1]]


def test_transpose_square():
    assert transpose([[1, 2], [3, 4]]) == [[1, 3], [2, 4]]


def test_transpose_wide_matrix():
    assert transpose([[1, 2, 3], [4, 5, 6]]) == [[1, 4], [2, 5], [3, 6]]


def test_transpose_column_vector():
    assert transpose([[1], [2], [3]]) == [[1, 2, 3]]


def test_add_and_scale():
    assert add([[1, 2]], [[3, 4]]) == [[4, 6]]
    assert scale([[1, -2]], 3) == [[3, -6]]
    with pytest.raises(ValueError):
        add([[1, 2]], [[1], [2]])


def test_column():
    assert column([[1, 2], [3, 4]], 1) == [2, 4]
