"""What a project's classes declare: which methods side by side (``sibling_call``), and the
types of their fields (``mask_byte``).

A call ``a.m(x)`` that should have been ``a.s(x)`` usually names a method the same class
declares beside ``m`` with as many parameters (``computeValue(ctx)`` for ``compute(ctx)``,
``getKey()`` for ``getValue()``). Without types, the receiver's class is not known; what is known
is which classes of the project declare ``m`` with that arity. :class:`Declarations` counts, over
those classes, the other methods of the same arity they declare: the more of them declare ``s``
too, the likelier ``s`` is a sibling of ``m`` on any receiver. The declared types of fields,
by name, tell the type of ``other.field`` where the hunk's file cannot (a field of another class).

The table is read from the files :func:`~apr.generate.fill.local.project_files` reads (nearest
to the buggy file first) with a walk that enters only class bodies, and kept by the digest of
their content (up to :data:`PROJECTS_KEPT` projects per process): the hunks of one run read the
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
PROJECTS_KEPT = 4


@dataclass(frozen=True, slots=True)
class Project:
    """Where a site's file lives: the snapshot's root folder and the file's path in it."""

    root: Path
    file: str


class Declarations:
    """The ``(name, arity)`` sets the project's classes declare (one set per class), and the
    types their fields are declared with (name -> types)."""

    def __init__(self, classes: Iterable[frozenset[Signature]],
                 fields: Iterable[tuple[str, str, str]] = ()) -> None:
        self._declaring: dict[Signature, list[frozenset[Signature]]] = {}
        for members in classes:
            for signature in members:
                self._declaring.setdefault(signature, []).append(members)
        self._fields: dict[str, set[str]] = {}
        self._owned: dict[tuple[str, str], set[str]] = {}
        for owner, name, kind in fields:
            self._fields.setdefault(name, set()).add(kind)
            self._owned.setdefault((owner, name), set()).add(kind)

    def field_type(self, name: str, owner: str | None = None) -> str | None:
        """The type of field ``name`` of class ``owner`` (a simple name), or when no class of
        that name declares it, the type every field named ``name`` is declared with, if they
        agree."""
        kinds = self._owned.get((owner, name)) if owner is not None else None
        kinds = kinds or self._fields.get(name, set())
        return next(iter(kinds)) if len(kinds) == 1 else None

    def siblings(self, name: str, arity: int) -> list[str]:
        """Methods of ``arity`` parameters declared beside ``name`` (of that arity), those
        declared beside it by the most classes first; among equals, the one fewer classes
        declare at all (``equals`` and ``toString`` sit beside everything), then by name."""
        counts: Counter[str] = Counter()
        for members in self._declaring.get((name, arity), ()):
            counts.update(n for n, a in members if a == arity and n != name)
        return sorted(counts, key=lambda n: (-counts[n], len(self._declaring[(n, arity)]), n))


def project_declarations(project: Project, source: bytes, language: LanguageSupport,
                         classes: frozenset[str], methods: frozenset[str]) -> Declarations:
    """The table of the project's files of ``language`` (``source`` is the buggy file's content);
    ``classes`` and ``methods`` are the node kinds that declare them."""
    files = project_files(project.root, project.file, source, language)
    digest = hashlib.blake2b(digest_size=16)
    for path, content in files:
        digest.update(f"{path}\0{len(content)}\0".encode())
        digest.update(content)
    key = (language.name, classes, methods, digest.hexdigest())
    with _LOCK:
        if key in _PROJECTS:
            _PROJECTS.move_to_end(key)
            return _PROJECTS[key]
    found: list[frozenset[Signature]] = []
    fields: list[tuple[str, str, str]] = []
    for _, content in files:
        tree = language.parse(content)
        found.extend(_classes(tree.root_node, content, classes, methods, fields))
    table = Declarations(found, fields)
    with _LOCK:
        _PROJECTS[key] = table
        while len(_PROJECTS) > PROJECTS_KEPT:
            _PROJECTS.popitem(last=False)
    return table


_PROJECTS: OrderedDict[tuple[object, ...], Declarations] = OrderedDict()
_LOCK = threading.Lock()


def _classes(root: Node, source: bytes, classes: frozenset[str], methods: frozenset[str],
             fields: list[tuple[str, str, str]]) -> Iterator[frozenset[Signature]]:
    """Each class's method signatures, nested classes apart (its fields go to ``fields`` as
    ``(class, name, type)``); only containers are entered."""
    pending = [root]
    while pending:
        node = pending.pop()
        if node.type in classes:
            members = set()
            for member in _members(node, classes, methods, pending):
                if member.type == "field_declaration":
                    name = node.child_by_field_name("name")
                    owner = _text(name, source) if name is not None else ""
                    fields.extend((owner, *field) for field in _field_types(member, source))
                elif (signature := _signature(member, source)) is not None:
                    members.add(signature)
            if members:
                yield frozenset(members)
        else:
            pending.extend(c for c in node.named_children if _container(c, classes))


def _members(klass: Node, classes: frozenset[str], methods: frozenset[str],
             nested: list[Node]) -> Iterator[Node]:
    """The method and field declarations of ``klass``'s body; nested classes go to
    ``nested``."""
    body = klass.child_by_field_name("body")
    pending = list(body.named_children) if body is not None else []
    while pending:
        node = pending.pop()
        if node.type in methods or node.type == "field_declaration":
            yield node
        elif node.type in classes:
            nested.append(node)
        elif _container(node, classes):
            pending.extend(node.named_children)


def _container(node: Node, classes: frozenset[str]) -> bool:
    """Whether declarations may sit inside ``node`` (a class, a body, an export)."""
    kind = node.type
    return kind in classes or kind.endswith(("body", "body_declarations")) \
        or kind in ("program", "export_statement")


def _field_types(declaration: Node, source: bytes) -> Iterator[tuple[str, str]]:
    """(name, declared type) of a Java field declaration's variables (``byte[] a, b[]``)."""
    kind = declaration.child_by_field_name("type")
    if kind is None:
        return
    written = "".join(_text(kind, source).split())
    for declarator in declaration.children_by_field_name("declarator"):
        name, dims = declarator.child_by_field_name("name"), \
            declarator.child_by_field_name("dimensions")
        if name is not None:
            extra = "".join(_text(dims, source).split()) if dims is not None else ""
            yield _text(name, source), written + extra


def _text(node: Node, source: bytes) -> str:
    return decode_source(source[node.start_byte : node.end_byte])


def _signature(declaration: Node, source: bytes) -> Signature | None:
    name = declaration.child_by_field_name("name")
    params = declaration.child_by_field_name("parameters")
    if name is None or params is None:
        return None
    count = len([p for p in params.named_children if "comment" not in p.type])
    return _text(name, source), count
