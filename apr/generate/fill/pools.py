"""What may fill a blank, by kind: the ``local-lm`` filler's candidates, before scoring.

Each kind draws donor code the way TBar does, nearest scope first: the enclosing function, then
its class, then the file (a :class:`~apr.generate.fill.vocab.Vocabulary` of the file's nodes in
that order), then the project (its vocabulary, most frequent first). Operators come from the
language's operator classes (:data:`OPERATORS`). The blank's own text is never a candidate. A
pool holds at most ``limit`` texts.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from apr.generate.expressions import FUNCTION_PAIRS, METHOD_PAIRS
from apr.generate.fill.base import (
    ARGUMENT,
    ATTRIBUTE,
    CALLEE,
    CONDITION,
    EXCEPTION,
    EXPRESSION,
    LITERAL,
    NAME,
    NEW_ARGUMENT,
    OPERATOR,
    SLICE,
    TYPE,
    MaskedCode,
)
from apr.generate.fill.vocab import RULES, Vocabulary, call_shape
from apr.generate.site import unique
from apr.generate.syntax import PY_ARITHMETIC, PY_AUGMENTED, PY_BOOLEAN, PY_COMPARISON

POOL_SIZE = 60
"""Candidates scored per blank."""
SCOPE_NAMES = 12
"""Variables in scope offered where any expression fits (an argument, a returned value)."""

#: Operator classes per language: a blank holding one operator may take any of its class.
OPERATORS: dict[str, dict[str, tuple[str, ...]]] = {
    "python": {
        "arithmetic": (*PY_ARITHMETIC, "@"),
        "comparison": tuple(PY_COMPARISON),
        "boolean": tuple(PY_BOOLEAN),
        "augmented": (*PY_AUGMENTED, "="),
    },
    "java": {
        "arithmetic": ("+", "-", "*", "/", "%", "<<", ">>", ">>>", "&", "|", "^"),
        "comparison": ("<", "<=", ">", ">=", "==", "!="),
        "boolean": ("&&", "||"),
        "augmented": ("+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "<<=", ">>=", ">>>=", "="),
    },
    "javascript": {
        "arithmetic": ("+", "-", "*", "/", "%", "**", "<<", ">>", ">>>", "&", "|", "^"),
        "comparison": ("<", "<=", ">", ">=", "===", "!==", "==", "!="),
        "boolean": ("&&", "||", "??"),
        "augmented": ("+=", "-=", "*=", "/=", "%=", "**=", "&=", "|=", "^=", "<<=", ">>=",
                      ">>>=", "&&=", "||=", "??=", "="),
    },
    "c": {
        "arithmetic": ("+", "-", "*", "/", "%", "<<", ">>", "&", "|", "^"),
        "comparison": ("<", "<=", ">", ">=", "==", "!="),
        "boolean": ("&&", "||"),
        "augmented": ("+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "<<=", ">>=", "="),
    },
}


@dataclass(frozen=True, slots=True)
class Syntax:
    """How a language writes what pools synthesize (negation, null tests, constants)."""

    negate: str
    is_null: str
    not_null: str
    constants: tuple[str, ...]
    builtins: tuple[str, ...] = ()
    exceptions: tuple[str, ...] = ()  # the standard exception classes most often caught
    slices: tuple[str, ...] = ()  # the commonest slices


SYNTAX: dict[str, Syntax] = {
    "python": Syntax("not {}", "{} is None", "{} is not None", ("None", "True", "False", "0", "1"),
                     ("len", "min", "max", "sum", "abs", "round", "int", "float", "str", "bool",
                      "sorted", "reversed", "list", "set", "tuple", "dict", "any", "all",
                      "range", "enumerate", "zip", "isinstance", "repr"),
                     ("ValueError", "TypeError", "KeyError", "IndexError", "AttributeError",
                      "LookupError", "OSError", "ZeroDivisionError", "ArithmeticError",
                      "RuntimeError", "StopIteration", "UnicodeDecodeError", "Exception"),
                     ("1:", ":-1", "-1:", ":1", "1:-1", "::-1", "2:", ":-2", ":")),
    "java": Syntax("!{}", "{} == null", "{} != null", ("null", "true", "false", "0", "1")),
    "javascript": Syntax("!{}", "{} == null", "{} != null",
                         ("null", "true", "false", "0", "1", "undefined", "''")),
    "c": Syntax("!{}", "{} == NULL", "{} != NULL", ("NULL", "0", "1", "true", "false")),
}
_NUMBER = re.compile(r"^-?\d[\d_]*$")


def candidates(masked: MaskedCode, names: list[str], local: Vocabulary, project: Vocabulary,
               limit: int = POOL_SIZE) -> list[str]:
    """At most ``limit`` fillings for ``masked``, nearest scope first, its own text excluded.

    Args:
        masked: the blank.
        names: the variables in scope at the blank, nearest first.
        local: the vocabulary of the blank's file, in donor order (function, class, file).
        project: the vocabulary of the project's files.
    """
    language = masked.site.language.name
    draw = _POOLS.get(masked.kind)
    if draw is None:
        return []
    found = draw(masked, names, local, project, SYNTAX.get(language, SYNTAX["python"]))
    exclude = [masked.original] if masked.original is not None else []
    return [text for text in unique(found, exclude) if text.strip()][:limit]


def _ordered(local: Counter[str] | None, project: Counter[str] | None) -> list[str]:
    """The local texts in first-seen order, then the project's most frequent first."""
    first = list(local or ())
    return unique([*first, *(t for t, _ in (project or Counter()).most_common())])


def _operators(masked: MaskedCode, names: list[str], local: Vocabulary, project: Vocabulary,
               syntax: Syntax) -> Iterable[str]:
    return OPERATORS.get(masked.site.language.name, {}).get(masked.hint, ())


def _literals(masked: MaskedCode, names: list[str], local: Vocabulary, project: Vocabulary,
              syntax: Syntax) -> Iterable[str]:
    original = masked.original or ""
    near: list[str] = []
    if _NUMBER.match(original):
        value = int(original.replace("_", ""))
        near = [str(v) for v in (value + 1, value - 1, 0, 1, -1, 2)]
    pool = _ordered(local.literals, project.literals)
    same = [t for t in pool if _category(t) == _category(original)]
    return [*near, *same, *syntax.constants, *pool]


def _category(text: str) -> str:
    if _NUMBER.match(text) or re.match(r"^-?[\d.]+([eE][-+]?\d+)?[fFdDlL]?$", text):
        return "number"
    return "string" if text[-1:] in ("'", '"') else "constant"


def _names(masked: MaskedCode, names: list[str], local: Vocabulary, project: Vocabulary,
           syntax: Syntax) -> Iterable[str]:
    return names


def _attributes(masked: MaskedCode, names: list[str], local: Vocabulary, project: Vocabulary,
                syntax: Syntax) -> Iterable[str]:
    owner = masked.hint
    return [*_ordered(local.owned.get(owner), project.owned.get(owner)),
            *_ordered(local.attributes, project.attributes)]


def _callees(masked: MaskedCode, names: list[str], local: Vocabulary, project: Vocabulary,
             syntax: Syntax) -> Iterable[str]:
    """The original's known counterparts, then callees whose calls elsewhere took the same
    arguments (TBar's same-arity donors), or that were never seen called."""
    original = masked.original or ""
    if masked.hint == "method":
        pairs, donors = METHOD_PAIRS.get(original, ()), _ordered(local.methods, project.methods)
    else:
        pairs = FUNCTION_PAIRS.get(original, ())
        donors = [*_ordered(local.functions, project.functions), *syntax.builtins]
    shape = _shape(masked)
    if shape is None:
        return [*pairs, *donors]
    return [*pairs, *(d for d in donors if project.accepts(d, *shape) is not False)]


def _shape(masked: MaskedCode) -> tuple[int, frozenset[str]] | None:
    """The shape of the call whose callee is the blank (:func:`call_shape`), if known."""
    call = masked.node.parent if masked.node is not None else None
    while call is not None and call.type not in ("call", "method_invocation"):
        call = call.parent if call.type in ("attribute",) else None
    rules = RULES.get(masked.site.language.name)
    if call is None or rules is None:
        return None
    arguments = call.child_by_field_name(rules.calls[call.type][1])
    return call_shape(arguments, masked.site.text, rules)


def _arguments(masked: MaskedCode, names: list[str], local: Vocabulary, project: Vocabulary,
               syntax: Syntax) -> Iterable[str]:
    callee = masked.hint
    same = _ordered(local.arguments.get(callee), project.arguments.get(callee))
    return [*same, *names[:SCOPE_NAMES], *local.accesses, *local.all_arguments(),
            *local.literals]


def _new_arguments(masked: MaskedCode, names: list[str], local: Vocabulary,
                   project: Vocabulary, syntax: Syntax) -> Iterable[str]:
    callee = masked.hint
    keywords = _ordered(local.keywords.get(callee), project.keywords.get(callee))
    same = _ordered(local.arguments.get(callee), project.arguments.get(callee))
    return [*keywords, *same, *names[:SCOPE_NAMES], *local.accesses, *syntax.constants]


def _expressions(masked: MaskedCode, names: list[str], local: Vocabulary, project: Vocabulary,
                 syntax: Syntax) -> Iterable[str]:
    return [*local.returned, *names[:SCOPE_NAMES], *local.accesses, *syntax.constants,
            *(t for t, _ in project.returned.most_common())]


def _conditions(masked: MaskedCode, names: list[str], local: Vocabulary, project: Vocabulary,
                syntax: Syntax) -> Iterable[str]:
    statement = masked.site.slice(masked.site.start, masked.site.end)
    donors = [t for t in _ordered(local.conditions, project.conditions)
              if t not in statement and statement not in t]
    return [*_tests(masked, names, local, project, syntax), *donors]


def _tests(masked: MaskedCode, names: list[str], local: Vocabulary, project: Vocabulary,
           syntax: Syntax) -> Iterator[str]:
    """Tests of what the statement uses: ``v``, ``not v``, ``v is None`` for its variables, and
    ``o.a`` / ``not o.a`` for attributes ``a`` seen on ``o`` (then on any object of the file)."""
    site = masked.site
    statement = site.slice(site.start, site.end)
    used = [n for n in names if re.search(rf"\b{re.escape(n)}\b", statement)]
    for name in used:
        yield from (name, syntax.negate.format(name), syntax.is_null.format(name),
                    syntax.not_null.format(name))
    for owner in used:
        owned = _ordered(local.owned.get(owner), project.owned.get(owner))
        for attribute in unique([*owned, *local.attributes]):
            access = f"{owner}.{attribute}"
            if access not in statement:
                yield from (access, syntax.negate.format(access))


def _types(masked: MaskedCode, names: list[str], local: Vocabulary, project: Vocabulary,
           syntax: Syntax) -> Iterable[str]:
    return _ordered(local.types, project.types)


def _exceptions(masked: MaskedCode, names: list[str], local: Vocabulary, project: Vocabulary,
                syntax: Syntax) -> Iterable[str]:
    return [*_ordered(local.exceptions, project.exceptions), *syntax.exceptions]


def _slices(masked: MaskedCode, names: list[str], local: Vocabulary, project: Vocabulary,
            syntax: Syntax) -> Iterable[str]:
    """The project's slices, then the commonest ones; ``a[: n]`` and ``a[:n]`` are one."""
    found = [*_ordered(local.slices, project.slices), *syntax.slices]
    original = _unspaced(masked.original or "")
    return unique(t for t in (_unspaced(f) for f in found) if t != original)


def _unspaced(text: str) -> str:
    return re.sub(r"\s*:\s*", ":", text.strip())


_POOLS: dict[str, Callable[[MaskedCode, list[str], Vocabulary, Vocabulary, Syntax],
                           Iterable[str]]] = {
    OPERATOR: _operators,
    LITERAL: _literals,
    NAME: _names,
    ATTRIBUTE: _attributes,
    CALLEE: _callees,
    ARGUMENT: _arguments,
    NEW_ARGUMENT: _new_arguments,
    EXPRESSION: _expressions,
    CONDITION: _conditions,
    TYPE: _types,
    EXCEPTION: _exceptions,
    SLICE: _slices,
}
