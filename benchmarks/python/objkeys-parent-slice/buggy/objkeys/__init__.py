"""Path-like helpers for object-storage keys ("photos/2024/img.jpg") and listings."""

from objkeys.keys import ancestors, join, name, normalize, parent, relative_to, split, stem, suffix
from objkeys.listing import Listing, list_prefix

__all__ = [
    "Listing",
    "ancestors",
    "join",
    "list_prefix",
    "name",
    "normalize",
    "parent",
    "relative_to",
    "split",
    "stem",
    "suffix",
]
