"""The project zygote's code swap (``apr/project/pytest_swap.py``), in this process: a module
loaded by ``preload``, its file edited, ``swap`` either makes every reference see the new
function bodies or says why a fresh import would differ."""

from __future__ import annotations

import itertools
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from apr.project import pytest_swap
from apr.project.pytest_forkserver import _owner

SOURCE = """
    import functools

    LIMIT = 10
    TABLE = {"a": lambda x: x + 1}


    def limit(x):
        return x > LIMIT


    def deco(f):
        @functools.wraps(f)
        def wrapper(*args):
            return f(*args)
        return wrapper


    @deco
    def wrapped(x):
        return x * 2


    @functools.lru_cache(maxsize=None)
    def cached(x):
        return x - 1


    class Command:
        def __init__(self, callback):
            self.callback = callback

        def __call__(self, *args):
            return self.callback(*args)


    def command(f):
        return Command(f)


    @command
    def hello(name):
        return "hello " + name


    def made_at_import():
        return 5


    MADE = made_at_import()


    class Box:
        SIZE = 3

        def area(self):
            return self.SIZE * 2

        @staticmethod
        def unit():
            return 1

        @property
        def name(self):
            return "box"


    def defaults(x=1):
        return x
    """

_names = itertools.count()


@pytest.fixture
def loaded(tmp_path: Path) -> Iterator[tuple[ModuleType, Path, list, set]]:
    name = f"apr_swap_probe_{next(_names)}"
    file = tmp_path / f"{name}.py"
    file.write_text(textwrap.dedent(SOURCE))
    sys.path.insert(0, str(tmp_path))
    try:
        items, ran, why = pytest_swap.preload([[name, str(file)]], _owner([str(tmp_path)]))
        assert why == ""
        yield sys.modules[name], file, items, ran
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop(name, None)


def edit(file: Path, old: str, new: str) -> None:
    text = file.read_text()
    assert old in text
    file.write_text(text.replace(old, new))


def test_function_bodies_are_swapped_wherever_they_are_referenced(
        loaded: tuple[ModuleType, Path, list, set]) -> None:
    module, file, items, ran = loaded
    limit, box = module.limit, module.Box()  # references taken before the swap
    edit(file, "return x > LIMIT", "return x >= LIMIT")
    edit(file, "return x * 2", "return x * 3")
    edit(file, "return x - 1", "return x - 2")
    edit(file, "return self.SIZE * 2", "return self.SIZE * 4")
    edit(file, "return 1\n", "return 7\n")
    edit(file, 'return "box"', 'return "crate"')
    edit(file, 'return "hello " + name', 'return "hi " + name')
    assert pytest_swap.swap(items, ran) == ""
    assert module.hello("you") == "hi you"  # a callback held by an object, as click's
    assert limit(10) and module.limit(10)
    assert module.wrapped(2) == 6  # the decorated function, through its wrapper
    assert module.cached(5) == 3
    assert (box.area(), module.Box.unit(), box.name) == (12, 7, "crate")


def test_lines_moved_by_an_edit_are_swapped_too(
        loaded: tuple[ModuleType, Path, list, set]) -> None:
    module, file, items, ran = loaded
    edit(file, "    return x > LIMIT\n", "    y = x\n    return y > LIMIT\n")
    assert pytest_swap.swap(items, ran) == ""
    lines = file.read_text().splitlines()
    assert module.Box.area.__code__.co_firstlineno == lines.index("    def area(self):") + 1
    assert module.defaults.__code__.co_firstlineno == lines.index("def defaults(x=1):") + 1


@pytest.mark.parametrize(("old", "new", "why"), [
    ("LIMIT = 10", "LIMIT = 11", "outside function bodies"),
    ("    SIZE = 3", "    SIZE = 4", "outside function bodies"),
    ("def defaults(x=1):", "def defaults(x=2):", "outside function bodies"),
    ("def defaults(x=1):", "def defaults(x=1, y=2):", "outside function bodies"),
    ("    return 5", "    return 6", "ran while the modules were loaded"),
    ("        return f(*args)", "        return f(*args) + 1",
     "ran while the modules were loaded"),
    ("lambda x: x + 1", "lambda x: x + 2", "no function object"),
    ("    return x > LIMIT", "    return x >", "does not compile"),
])
def test_what_a_swap_cannot_make_is_refused(loaded: tuple[ModuleType, Path, list, set],
                                            old: str, new: str, why: str) -> None:
    _, file, items, ran = loaded
    edit(file, old, new)
    assert why in pytest_swap.swap(items, ran)


def test_a_signature_change_is_refused(loaded: tuple[ModuleType, Path, list, set]) -> None:
    _, file, items, ran = loaded
    edit(file, "def limit(x):\n    return x > LIMIT", "def limit(*x):\n    return x > LIMIT")
    assert "signature" in pytest_swap.swap(items, ran)


def test_an_unchanged_or_restored_file_needs_nothing(
        loaded: tuple[ModuleType, Path, list, set]) -> None:
    module, file, items, ran = loaded
    original = file.read_text()
    code = module.limit.__code__
    edit(file, "return x > LIMIT", "return x < LIMIT")
    file.write_text(original)  # another stat, the same bytes
    assert pytest_swap.swap(items, ran) == ""
    assert module.limit.__code__ is code


def test_preload_refuses_a_module_loaded_from_elsewhere(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "apr_swap_shadow.py").write_text("X = 1\n")
    sys.path.insert(0, str(elsewhere))
    try:
        _, _, why = pytest_swap.preload([["apr_swap_shadow", str(tmp_path / "apr_swap_shadow.py")]],
                                        _owner([str(tmp_path / "proj")]))
    finally:
        sys.path.remove(str(elsewhere))
        sys.modules.pop("apr_swap_shadow", None)
    assert "not as in the runs" in why


def test_inspects_index_holds_modules_loaded_after_it_was_first_filled(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A kept session fills inspect's index after collection, though the zygote it was forked
    from filled it before: the test modules collected since must be in it (else every
    failing test's report has inspect look at every module in sys.modules)."""
    import importlib
    import inspect

    from apr.project.pytest_forkserver import _index_modules

    _index_modules()
    (tmp_path / "apr_fresh_module.py").write_text("def f():\n    return 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "apr_fresh_module", raising=False)
    module = importlib.import_module("apr_fresh_module")
    assert inspect.getabsfile(module) not in inspect.modulesbyfile
    _index_modules()
    assert inspect.getabsfile(module) in inspect.modulesbyfile
