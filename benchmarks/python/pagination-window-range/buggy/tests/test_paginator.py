import pytest

from pager.paginator import InvalidPage, Paginator


def test_num_pages():
    assert Paginator(list(range(23)), per_page=10).num_pages == 3
    assert Paginator([], per_page=10).num_pages == 1


def test_page_contents():
    page = Paginator(list(range(23)), per_page=10).page(3)
    assert page.items == [20, 21, 22]
    assert page.has_previous and not page.has_next


def test_start_and_end_index():
    page = Paginator(list("abcdefg"), per_page=3).page(2)
    assert (page.start_index, page.end_index) == (4, 6)


def test_orphans_merge_into_previous_page():
    paginator = Paginator(list(range(11)), per_page=5, orphans=1)
    assert paginator.num_pages == 2
    assert paginator.page(2).items == [5, 6, 7, 8, 9, 10]


def test_invalid_page_numbers():
    paginator = Paginator(list(range(5)), per_page=2)
    with pytest.raises(InvalidPage):
        paginator.page(0)
    with pytest.raises(InvalidPage):
        paginator.page(4)
    with pytest.raises(InvalidPage):
        paginator.page("two")
