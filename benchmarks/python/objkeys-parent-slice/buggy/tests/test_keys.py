import pytest

from objkeys.keys import ancestors, is_under, join, name, normalize, parent, relative_to, stem, suffix
from objkeys.listing import list_prefix, total_size

KEYS = [
    "photos/2024/beach.jpg",
    "photos/2024/jan/snow.png",
    "photos/cover.jpg",
    "docs/report.pdf",
    "readme.txt",
]


def test_normalize_and_join():
    assert normalize("/photos//2024/") == "photos/2024"
    assert join("photos/", "/2024", "beach.jpg") == "photos/2024/beach.jpg"


def test_name_suffix_stem():
    key = "backups/db/dump.tar.gz"
    assert (name(key), suffix(key), stem(key)) == ("dump.tar.gz", ".gz", "dump.tar")
    assert suffix("photos/.hidden") == ""
    assert name("") == ""


def test_parent():
    assert parent("photos/2024/beach.jpg") == "photos/2024"
    assert parent("photos/2024/") == "photos"


def test_parent_of_top_level_key_is_root():
    assert parent("readme.txt") == ""
    assert parent("") == ""


def test_ancestors():
    assert ancestors("a/b/c.txt") == ["a/b", "a", ""]


def test_is_under_and_relative_to():
    assert is_under("photos/2024/beach.jpg", "photos")
    assert not is_under("photos", "photos")
    assert not is_under("photosets/x.jpg", "photos")
    assert relative_to("photos/2024/beach.jpg", "photos/") == "2024/beach.jpg"
    with pytest.raises(ValueError):
        relative_to("docs/report.pdf", "photos")


def test_list_root():
    listing = list_prefix(KEYS)
    assert listing.folders == ["docs", "photos"]
    assert listing.files == ["readme.txt"]


def test_list_nested_prefix():
    listing = list_prefix(KEYS, "photos/")
    assert listing.folders == ["photos/2024"]
    assert listing.files == ["photos/cover.jpg"]
    assert len(listing) == 2


def test_total_size():
    sizes = {"photos/a.jpg": 10, "photos/x/b.jpg": 5, "docs/c.pdf": 7}
    assert total_size(sizes, "photos") == 15
    assert total_size(sizes) == 22
