import pytest

from routes.graph import Graph
from routes.paths import NoPath, distances_from, shortest_path


def city_map():
    g = Graph()
    g.add_edge("A", "B", 4)
    g.add_edge("A", "C", 1)
    g.add_edge("C", "B", 2)
    g.add_edge("B", "D", 5)
    return g


def test_undirected_edges_are_symmetric():
    g = city_map()
    assert g.has_edge("B", "A")
    assert g.neighbors("D") == {"B": 5}


def test_directed_edges_are_one_way():
    g = Graph(directed=True)
    g.add_edge("x", "y", 2)
    assert g.has_edge("x", "y") and not g.has_edge("y", "x")


def test_negative_weight_rejected():
    with pytest.raises(ValueError):
        Graph().add_edge("a", "b", -1)


def test_shortest_path_prefers_cheaper_detour():
    assert shortest_path(city_map(), "A", "D") == (8.0, ["A", "C", "B", "D"])


def test_shortest_path_in_reverse_direction():
    assert shortest_path(city_map(), "D", "A") == (8.0, ["D", "B", "C", "A"])


def test_distances_from():
    assert distances_from(city_map(), "A") == {"A": 0.0, "B": 3.0, "C": 1.0, "D": 8.0}


def test_directed_graph_unreachable():
    g = Graph(directed=True)
    g.add_edge("x", "y")
    with pytest.raises(NoPath):
        shortest_path(g, "y", "x")


def test_remove_edge_in_undirected_graph():
    g = city_map()
    g.remove_edge("D", "B")
    assert not g.has_edge("D", "B") and not g.has_edge("B", "D")
    with pytest.raises(NoPath):
        shortest_path(g, "A", "D")


def test_remove_missing_edge():
    with pytest.raises(KeyError):
        city_map().remove_edge("A", "D")
