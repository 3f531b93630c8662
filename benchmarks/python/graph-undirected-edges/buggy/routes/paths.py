"""Dijkstra's shortest paths."""

from __future__ import annotations

import heapq
import itertools
import math

from routes.graph import Graph, Node


class NoPath(Exception):
    """Raised when the target cannot be reached from the source."""


def distances_from(graph: Graph, source: Node) -> dict[Node, float]:
    """Shortest distance from ``source`` to every reachable node."""
    dist, _ = _dijkstra(graph, source)
    return dist


def shortest_path(graph: Graph, source: Node, target: Node) -> tuple[float, list[Node]]:
    """(total weight, node list) of a cheapest path from ``source`` to ``target``."""
    dist, prev = _dijkstra(graph, source, target)
    if target not in dist:
        raise NoPath(f"no path from {source!r} to {target!r}")
    path = [target]
    while path[-1] != source:
        path.append(prev[path[-1]])
    path.reverse()
    return dist[target], path


def _dijkstra(graph: Graph, source: Node, target: Node | None = None):
    dist: dict[Node, float] = {source: 0.0}
    prev: dict[Node, Node] = {}
    done: set[Node] = set()
    tie = itertools.count()
    heap = [(0.0, next(tie), source)]
    while heap:
        d, _, node = heapq.heappop(heap)
        if node in done:
            continue
        done.add(node)
        if node == target:
            break
        for neighbor, weight in graph.neighbors(node).items():
            candidate = d + weight
            if candidate < dist.get(neighbor, math.inf):
                dist[neighbor] = candidate
                prev[neighbor] = node
                heapq.heappush(heap, (candidate, next(tie), neighbor))
    return dist, prev
