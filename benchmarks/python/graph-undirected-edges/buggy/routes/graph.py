"""Weighted graphs, directed or undirected, stored as adjacency dictionaries."""

from __future__ import annotations

from collections.abc import Hashable, Iterator

Node = Hashable


class Graph:
    def __init__(self, directed: bool = False) -> None:
        self.directed = directed
        self._adj: dict[Node, dict[Node, float]] = {}

    def add_node(self, node: Node) -> None:
        self._adj.setdefault(node, {})

    def add_edge(self, u: Node, v: Node, weight: float = 1.0) -> None:
        """Add the edge between ``u`` and ``v``, or update its weight."""
        if weight < 0:
            raise ValueError("edge weights must be non-negative")
        self.add_node(u)
        self.add_node(v)
        self._adj[u][v] = weight

    def has_edge(self, u: Node, v: Node) -> bool:
        return v in self._adj.get(u, {})

    def neighbors(self, node: Node) -> dict[Node, float]:
        """Mapping of each node reachable from ``node`` in one step to the edge weight."""
        return dict(self._adj.get(node, {}))

    def nodes(self) -> list[Node]:
        return list(self._adj)

    def edges(self) -> Iterator[tuple[Node, Node, float]]:
        for u, targets in self._adj.items():
            for v, w in targets.items():
                yield u, v, w

    def degree(self, node: Node) -> int:
        return len(self._adj.get(node, {}))

    def remove_edge(self, u: Node, v: Node) -> None:
        """Remove the edge between ``u`` and ``v``; KeyError if there is none."""
        if v not in self._adj.get(u, {}):
            raise KeyError((u, v))
        del self._adj[u][v]
