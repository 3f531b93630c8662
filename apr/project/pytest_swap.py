"""The warm pytest worker's project zygote: the project's modules loaded once, a candidate's
changed functions swapped in per run. Runs in the project's interpreter (Python 3.8+, the
standard library only), next to ``apr_pytest_forkserver``.

A run forked from the plain fork server imports every module of the project again: on real
projects that is most of a run (black: its parser and formatter; a package whose
``__init__`` imports everything). The zygote is a child of the server that imports them once
(the modules earlier runs imported, in their order; :func:`preload`). A run forked from the
zygote first calls :func:`swap`: for every loaded module whose file now differs from what was
loaded, it compiles the old and the new source and compares them. When the only differences
are inside function bodies, it points each such function at its new code
(``function.__code__``), which is what a fresh import would have made of it, since the
module-level code that built the module is the same. Anything else is answered "unsafe" and
the run goes to the plain server, where the project's modules are imported fresh:

- a change outside function bodies (module level, a class body, a default value, a decorator
  line): that code already ran, differently;
- a changed function that ran while the modules were loaded (a decorator, a factory, a
  module-level call): what it made is already made (one that only moved, an edit above it
  shifting its lines, is swapped: what it made is the same, but for the line numbers of
  functions it made then, which tracebacks through them show);
- a function whose arguments, flags or free variables changed (callers and closures were
  built for the old ones), or whose function object cannot be found (a lambda in a dict);
- a source that does not compile (the plain run reports it as a cold run would).
"""

from __future__ import annotations

import functools
import inspect
import marshal
import os
import sys
import time
import types
from collections.abc import Callable
from typing import Any

_NEWLOCALS = 0x0002  # inspect.CO_NEWLOCALS: a function's code, not a module's or class body's
_VARARGS = 0x0004
_VARKEYWORDS = 0x0008
_RECENT_NS = 2_000_000_000  # a file written this close to its loading is always reread
_CODE = "\0apr: code\0"


class Loaded:
    """A module the zygote loaded: its name, file, the bytes it was made from, and the file's
    stat then."""

    def __init__(self, name: str, file: str, source: bytes, stat: tuple, recent: bool) -> None:
        self.name = name
        self.file = file
        self.source = source
        self.stat = stat
        self.recent = recent


def preload(modules: list, own: Callable[[Any], str]) -> tuple:
    """Import ``modules`` (``[name, file]`` pairs, in order), noting which of the project's
    functions ran meanwhile (``own``: the server's rule for the project's files, giving a
    module file's real path, or "" for a file that is not the project's). Returns
    ``(loaded, ran, why)``: ``why`` is "" when the zygote may serve, else why not (then
    nothing else counts)."""
    import importlib

    watch = Watch()
    why = watch.start()
    if why:
        return [], set(), why
    try:
        for name, _ in modules:
            try:
                importlib.import_module(name)
            except ModuleNotFoundError as exc:
                missing = exc.name or ""
                if name != missing and not name.startswith(missing + "."):
                    return [], set(), f"importing {name} failed: {exc}"  # it ran, then failed
            except BaseException as exc:  # noqa: BLE001 -- any failure: no zygote
                return [], set(), f"importing {name} failed: {type(exc).__name__}: {exc}"
    finally:
        watch.stop()
    loaded, why = _loaded(modules, own)
    if why:
        return [], set(), why
    files = {item.file for item in loaded}
    keys = {_key(code) for code in watch.codes() if code.co_filename in files}
    return loaded, keys, ""


class Watch:
    """Which functions' code runs between :meth:`start` and :meth:`stop`: cProfile's, a
    profiler in C, at under half the cost of a profile function in Python (a kept session's
    collection of 370 tests: 0.68 s watched, 1.00 s with a Python profile function, 0.48 s
    not watched)."""

    def __init__(self) -> None:
        import cProfile

        self.profile = cProfile.Profile()
        self.before: frozenset = frozenset()

    def start(self) -> str:
        """"" once watching, else why it cannot (another profiler runs)."""
        self.before = frozenset(sys.modules)
        try:
            self.profile.enable(subcalls=False, builtins=False)
        except ValueError as exc:
            return f"cannot watch which functions run: {exc}"
        return ""

    def stop(self) -> None:
        self.profile.disable()

    def codes(self) -> list:
        return [entry.code for entry in self.profile.getstats()
                if not isinstance(entry.code, str)]

    def imported(self) -> list:
        """The names of the modules first imported since :meth:`start`."""
        return [name for name in list(sys.modules) if name not in self.before]


def _loaded(modules: list, own: Callable[[Any], str]) -> tuple:
    """What was loaded, checked: each module from the file runs loaded it from, and no other
    module of the project loaded."""
    wanted = {name: os.path.realpath(file) for name, file in modules}
    found = []
    for name, module in list(sys.modules.items()):
        file = getattr(module, "__file__", None)
        real = own(file)
        if name not in wanted and not real:
            continue
        if wanted.get(name) != real:  # another module of that name, or one runs don't load
            return [], f"{name} loaded from {file or 'nowhere'}, not as in the runs"
        found.append([name, file])
    return _read(found)


def _read(modules: list) -> tuple:
    """``[name, file]`` pairs as :class:`Loaded`, their files read now; ``([], why)`` when
    one cannot be read."""
    loaded = []
    now = time.time_ns()
    for name, file in modules:
        try:
            with open(file, "rb") as handle:
                source = handle.read()
            stat = os.stat(file)
        except OSError as exc:
            return [], f"cannot read {file}: {exc}"
        loaded.append(Loaded(name, file, source, _stat(stat), now - stat.st_mtime_ns < _RECENT_NS))
    return loaded, ""


def swap(loaded: list, ran: set, keep: bool = False) -> str:
    """Bring the loaded modules up to date with their files by swapping function code;
    "" when done, else why that would not be the same as importing them afresh. With
    ``keep`` (a process that goes on serving: a kept session), ``loaded`` then describes the
    files as they are now."""
    now = time.time_ns()
    for item in loaded:
        try:
            stat = os.stat(item.file)
        except OSError:
            return f"{item.file} is gone"
        if _stat(stat) == item.stat and not item.recent:
            continue
        with open(item.file, "rb") as handle:
            source = handle.read()
        if source != item.source:
            why = _swap_module(item, source, ran)
            if why:
                return f"{item.name}: {why}"
        if keep:
            item.source, item.stat = source, _stat(stat)
            item.recent = now - stat.st_mtime_ns < _RECENT_NS
    return ""


def extend(loaded: list, ran: set, codes: list, names: list,
           own: Callable[[Any], str]) -> tuple:
    """After more of the project was imported (a kept session's collection: the tests'
    modules, what they import): ``(loaded, ran)`` with the project's modules among ``names``
    (those imported meanwhile: the others were checked when loaded, and telling whether a
    module is the project's costs a ``realpath``, 45 ms for 1,500 modules) added, and the
    code of ``codes`` (what ran meanwhile) of the project's files counted as ran;
    ``(.., .., why)``, "" or why a module cannot be read."""
    known = {item.name for item in loaded}
    found = [(name, getattr(sys.modules.get(name), "__file__", None))
             for name in names if name not in known]
    added, why = _read([[name, file] for name, file in found if own(file).endswith(".py")])
    if why:
        return loaded, ran, why
    loaded = loaded + added
    files = {item.file for item in loaded}
    return loaded, ran | {_key(code) for code in codes if code.co_filename in files}, ""


def _stat(stat: os.stat_result) -> tuple:
    return stat.st_mtime_ns, stat.st_ctime_ns, stat.st_size, stat.st_ino


def _key(code: types.CodeType) -> tuple:
    return code.co_filename, code.co_firstlineno, code.co_name


def _swap_module(item: Loaded, source: bytes, ran: set) -> str:
    module = sys.modules.get(item.name)
    if module is None or getattr(module, "__file__", None) != item.file:
        return "no longer loaded"
    try:
        old = compile(item.source, item.file, "exec", dont_inherit=True)
        new = compile(source, item.file, "exec", dont_inherit=True)
    except (SyntaxError, ValueError):
        return "does not compile"
    pairs: list = []
    why = _compare(old, new, pairs)
    if why:
        return why
    functions = _functions(module)
    for before, after in pairs:
        if _key(before) in ran:
            if _bare(before) != _bare(after):
                return f"{before.co_name} ran while the modules were loaded"
            ran.add(_key(after))  # moved: still the code that ran, for a kept session
        live = [f for f in functions
                if f.__code__.co_filename == before.co_filename and f.__code__ == before]
        if not live:
            return f"no function object of {before.co_name}"
        for function in live:
            function.__code__ = after
    return ""


def _compare(old: types.CodeType, new: types.CodeType, pairs: list) -> str:
    """Collect in ``pairs`` the (old, new) code of the functions that differ, where ``old``
    and ``new`` (a module's or a class body's code) differ in nothing else."""
    if _shape(old) != _shape(new):
        return f"a change outside function bodies ({old.co_name})"
    for before, after in zip(old.co_consts, new.co_consts):  # noqa: B905 -- Python 3.8
        if not isinstance(before, types.CodeType):
            continue
        if not before.co_flags & _NEWLOCALS:  # a class body, run already: compare inside
            why = _compare(before, after, pairs)
            if why:
                return why
        elif before != after:
            why = _same_signature(before, after)
            if why:
                return why
            pairs.append((before, after))
    return ""


def _shape(code: types.CodeType) -> bytes:
    """``code`` without line numbers and with its nested code objects blanked: what must be
    equal for the module or class it built to be the same."""
    consts = tuple(_CODE + ("f" if c.co_flags & _NEWLOCALS else "c")
                   if isinstance(c, types.CodeType) else c for c in code.co_consts)
    return marshal.dumps(_lineless(code, consts))


def _bare(code: types.CodeType) -> bytes:
    """``code`` and the code nested in it without line numbers: equal for two functions that
    do the same (an edit above one only moved it), which may be swapped even if it ran while
    the modules were loaded (what it made then is what it would make now)."""
    consts = tuple(_bare(c) if isinstance(c, types.CodeType) else c for c in code.co_consts)
    return marshal.dumps(_lineless(code, consts))


def _lineless(code: types.CodeType, consts: tuple) -> types.CodeType:
    lines: dict[str, Any] = {"co_linetable" if hasattr(code, "co_linetable") else "co_lnotab": b""}
    return code.replace(co_consts=consts, co_firstlineno=1, **lines)


def _same_signature(old: types.CodeType, new: types.CodeType) -> str:
    def signature(code: types.CodeType) -> tuple:
        count = (code.co_argcount + code.co_kwonlyargcount
                 + bool(code.co_flags & _VARARGS) + bool(code.co_flags & _VARKEYWORDS))
        return (code.co_name, getattr(code, "co_qualname", ""), code.co_argcount,
                code.co_posonlyargcount, code.co_kwonlyargcount, code.co_flags,
                code.co_freevars, code.co_varnames[:count])

    if signature(old) != signature(new):
        return f"the signature, flags or free variables of {old.co_name} changed"
    return ""


def _functions(module: types.ModuleType) -> list:
    """The function objects reachable from ``module``'s namespace: its functions, its own
    classes' methods (static, class, properties), what decorators wrapped (``__wrapped__``,
    closures, ``functools.partial``, a callable object's own attributes)."""
    found = []
    seen: set = set()
    todo = list(vars(module).values())
    while todo:
        obj = todo.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        if isinstance(obj, types.FunctionType):
            found.append(obj)
            todo += [_cell(cell) for cell in obj.__closure__ or ()]
        elif isinstance(obj, (staticmethod, classmethod, types.MethodType)):
            todo.append(obj.__func__)
            continue
        elif isinstance(obj, property):
            todo += [obj.fget, obj.fset, obj.fdel]
            continue
        elif isinstance(obj, functools.partial):
            todo.append(obj.func)
            continue
        elif isinstance(obj, type):
            if obj.__module__ == module.__name__:
                todo += list(vars(obj).values())
            continue
        elif not callable(obj):
            continue
        todo.append(_static(obj, "__wrapped__"))
        held = _own_dict(obj)  # a command object's callback (click), say
        if isinstance(held, dict):
            todo += [value for value in held.values() if isinstance(value, types.FunctionType)]
    return found


def _own_dict(obj: Any) -> Any:
    """``obj``'s instance dictionary, without running code of its class's."""
    try:
        return object.__getattribute__(obj, "__dict__")
    except Exception:  # noqa: BLE001 -- none, or an odd one: nothing to look into
        return None


def _cell(cell: Any) -> Any:
    try:
        return cell.cell_contents
    except ValueError:  # an empty cell
        return None


def _static(obj: Any, name: str) -> Any:
    """``obj.name`` without running any code of ``obj``'s (a lazy proxy's ``__getattr__``)."""
    try:
        return inspect.getattr_static(obj, name, None)
    except Exception:  # noqa: BLE001 -- whatever it is, it is not a function to swap
        return None
