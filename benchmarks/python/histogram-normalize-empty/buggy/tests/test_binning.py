import pytest

from histo.binning import bin_edges, bin_index, cumulative, histogram, normalize
from histo.render import render


def test_bin_edges():
    assert bin_edges(0, 10, 5) == [0, 2, 4, 6, 8, 10]


def test_bin_index_last_bin_is_closed():
    assert bin_index(10, 0, 10, 5) == 4
    assert bin_index(9.99, 0, 10, 5) == 4
    assert bin_index(10.01, 0, 10, 5) is None


def test_histogram_counts():
    counts, edges = histogram([1, 2, 2, 3, 9, 10], bins=3, value_range=(0, 12))
    assert counts == [4.0, 0.0, 2.0]
    assert edges == [0, 4, 8, 12]


def test_histogram_of_constant_data():
    counts, edges = histogram([5, 5, 5], bins=2)
    assert counts == [0.0, 3.0]
    assert edges == [4.5, 5.0, 5.5]


def test_density_sums_to_one():
    counts, _ = histogram([0.1, 0.2, 0.7, 0.9], bins=2, value_range=(0, 1), density=True)
    assert counts == [0.5, 0.5]


def test_normalize_all_zero_counts():
    assert normalize([0, 0, 0]) == [0.0, 0.0, 0.0]


def test_density_of_values_outside_range():
    counts, _ = histogram([20, 30], bins=4, value_range=(0, 10), density=True)
    assert counts == [0.0, 0.0, 0.0, 0.0]


def test_cumulative():
    assert cumulative([1, 0, 2]) == [1, 1, 3]


def test_render_scales_bars():
    text = render([2, 4], [0, 1, 2], width=4)
    assert text.splitlines() == ["[0, 1) ## 2", "[1, 2) #### 4"]


def test_invalid_bins():
    with pytest.raises(ValueError):
        bin_edges(0, 1, 0)
