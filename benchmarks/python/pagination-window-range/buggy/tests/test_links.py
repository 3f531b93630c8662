import pytest

from pager.links import page_labels, page_window


def test_window_in_the_middle():
    assert page_window(10, 20) == [8, 9, 10, 11, 12]


def test_window_clamped_at_start():
    assert page_window(1, 20) == [1, 2, 3, 4, 5]


def test_window_with_few_pages():
    assert page_window(2, 3) == [1, 2, 3]


def test_window_rejects_out_of_range_page():
    with pytest.raises(ValueError):
        page_window(5, 4)


def test_labels_show_gaps_and_last_page():
    assert page_labels(10, 20) == ["1", "...", "8", "9", "10", "11", "12", "...", "20"]
