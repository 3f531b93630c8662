"""Which methods a project's classes declare side by side, for ``sibling_call``.

A call ``a.m(x)`` that should have been ``a.s(x)`` usually names a method the same class
declares beside ``m`` with as many parameters (``computeValue(ctx)`` for ``compute(ctx)``,
``getKey()`` for ``getValue()``). Without types, the receiver's class is not known; what is known
is which classes of the project declare ``m`` with that arity. :class:`MethodTable` counts, over
those classes, the other methods of the same arity they declare: the more of them declare ``s``
too, the likelier ``s`` is a sibling of ``m`` on any receiver.

The table is read from the files :func:`~apr.generate.fill.local.project_files` reads (nearest
to the buggy file first) with a walk that enters only class bodies, and kept by the digest of
their content (up to :data:`TABLES_KEPT` projects per process): the hunks of one run read the
files again but parse them once.
"""

from __future__ import annotations

import hashlib
import threading
from collections import Counter, OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from apr.generate.fill.local import project_files
from apr.generate.site import Node
from apr.lang.base import LanguageSupport
from apr.lang.text import decode_source

Signature = tuple[str, int]
"""A method's name and number of parameters."""
TABLES_KEPT = 4


@dataclass(frozen=True, slots=True)
class Project:
    """Where a site's file lives: the snapshot's root folder and the file's path in it."""

    root: Path
    file: str


class MethodTable:
    """The ``(name, arity)`` sets the project's classes declare (one set per class)."""

    def __init__(self, classes: Iterable[frozenset[Signature]]) -> None:
        self._declaring: dict[Signature, list[frozenset[Signature]]] = {}
        for members in classes:
            for signature in members:
                self._declaring.setdefault(signature, []).append(members)

    def siblings(self, name: str, arity: int) -> list[str]:
        """Methods of ``arity`` parameters declared beside ``name`` (of that arity), those
        declared beside it by the most classes first, then by name."""
        counts: Counter[str] = Counter()
        for members in self._declaring.get((name, arity), ()):
            counts.update(n for n, a in members if a == arity and n != name)
        return [n for n, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


def method_table(project: Project, source: bytes, language: LanguageSupport,
                 classes: frozenset[str], methods: frozenset[str]) -> MethodTable:
    """The table of the project's files of ``language`` (``source`` is the buggy file's content);
    ``classes`` and ``methods`` are the node kinds that declare them."""
    files = project_files(project.root, project.file, source, language)
    digest = hashlib.blake2b(digest_size=16)
    for path, content in files:
        digest.update(f"{path}\0{len(content)}\0".encode())
        digest.update(content)
    key = (language.name, classes, methods, digest.hexdigest())
    with _LOCK:
        if key in _TABLES:
            _TABLES.move_to_end(key)
            return _TABLES[key]
    found: list[frozenset[Signature]] = []
    for _, content in files:
        tree = language.parse(content)
        found.extend(_classes(tree.root_node, content, classes, methods))
    table = MethodTable(found)
    with _LOCK:
        _TABLES[key] = table
        while len(_TABLES) > TABLES_KEPT:
            _TABLES.popitem(last=False)
    return table


_TABLES: OrderedDict[tuple[object, ...], MethodTable] = OrderedDict()
_LOCK = threading.Lock()


def _classes(root: Node, source: bytes, classes: frozenset[str],
             methods: frozenset[str]) -> Iterator[frozenset[Signature]]:
    """Each class's method signatures, nested classes apart; only containers are entered."""
    pending = [root]
    while pending:
        node = pending.pop()
        if node.type in classes:
            members = set()
            for member in _members(node, classes, methods, pending):
                signature = _signature(member, source)
                if signature is not None:
                    members.add(signature)
            if members:
                yield frozenset(members)
        else:
            pending.extend(c for c in node.named_children if _container(c, classes))


def _members(klass: Node, classes: frozenset[str], methods: frozenset[str],
             nested: list[Node]) -> Iterator[Node]:
    """The method declarations of ``klass``'s body; nested classes go to ``nested``."""
    body = klass.child_by_field_name("body")
    pending = list(body.named_children) if body is not None else []
    while pending:
        node = pending.pop()
        if node.type in methods:
            yield node
        elif node.type in classes:
            nested.append(node)
        elif _container(node, classes):
            pending.extend(node.named_children)


def _container(node: Node, classes: frozenset[str]) -> bool:
    """Whether declarations may sit inside ``node`` (a class, a body, an export)."""
    kind = node.type
    return kind in classes or kind.endswith(("body", "body_declarations")) \
        or kind in ("program", "export_statement", "declaration_list")


def _signature(declaration: Node, source: bytes) -> Signature | None:
    name = declaration.child_by_field_name("name")
    params = declaration.child_by_field_name("parameters")
    if name is None or params is None:
        return None
    count = len([p for p in params.named_children if "comment" not in p.type])
    return decode_source(source[name.start_byte : name.end_byte]), count
