"""The expression and statement-insertion families of apr/generate/mutations.py (and the
condition additions in statements.py): each produces the known fix, and only parseable code."""

from __future__ import annotations

import pytest

from tests.generate.test_templates import fixes, src

SEARCH = src('''
    def find(arr, x, start, end):
        if start == end:
            return -1
        mid = start + (end - start) // 2
        if x > arr[mid]:
            return find(arr, x, mid, end)
        return mid
    ''')

EDIT_DISTANCE = src('''
    def distance(source, target):
        if not source or not target:
            return len(source) or len(target)
        if source[0] == target[0]:
            return 1 + distance(source[1:], target[1:])
        return 1 + min(distance(source, target[1:]), distance(source[1:], target))
    ''')

VISIT = src('''
    def reachable(start, goal):
        seen = set()

        def visit(node):
            if node in seen:
                return False
            if node is goal:
                return True
            return any(visit(n) for n in node.successors)

        return visit(start)
    ''')

LEXER = src('''
    def positions(text, pattern):
        line, line_start = 1, 0
        for m in pattern.finditer(text):
            column = m.start() - line_start
            yield line, column
    ''')

CASES = [
    (LEXER, "column = m.start() - line_start", "column = m.start() - line_start + 1",
     "mutate_expression", None),
    (SEARCH, "return find(arr, x, mid, end)", "return find(arr, x, mid + 1, end)",
     "mutate_expression", None),
    (EDIT_DISTANCE, "return 1 + distance(source[1:], target[1:])",
     "return distance(source[1:], target[1:])", "mutate_expression", None),
    (src('''
        def to_base(num, b):
            result = ""
            while num > 0:
                i = num % b
                num = num // b
                result = result + str(i)
            return result
        '''), "result = result + str(i)", "result = str(i) + result", "mutate_expression", None),
    (src('''
        def paths(d, n):
            for k in range(n):
                for i in range(n):
                    for j in range(n):
                        d[i, j] = min(d[i, j], d[i, k] + d[j, k])
            return d
        '''), "d[j, k])", "d[k, j])", "mutate_expression", "d[i, j] = min("),
    (src('''
        def flatten(arr):
            for x in arr:
                if isinstance(x, list):
                    yield from flatten(x)
                else:
                    yield flatten(x)
        '''), "yield flatten(x)", "yield x", "mutate_expression", None),
    (src('''
        def sort(arr):
            if len(arr) == 0:
                return arr
            return sorted(arr)
        '''), "len(arr) == 0", "len(arr) <= 1", "mutate_expression", None),
    (src('''
        def longest(items):
            best = 0
            for item in items:
                best = len(item)
            return best
        '''), "best = len(item)", "best = max(best, len(item))", "mutate_expression", None),
    (src('''
        def walk(queue):
            while True:
                node = queue.pop()
                if node:
                    return node
        '''), "while True:", "while queue:", "mutate_condition", None),
    (src('''
        def has_cycle(node):
            hare = node
            while True:
                if hare.successor is None:
                    return False
                hare = hare.successor.successor
        '''), "if hare.successor is None:", "if hare is None or hare.successor is None:",
     "mutate_condition", None),
]


@pytest.mark.parametrize(("source", "fragment", "fixed", "family", "at"), CASES)
def test_family_reaches_the_fix(source: str, fragment: str, fixed: str, family: str,
                                at: str | None) -> None:
    assert fixes(source, fragment, fixed, family, at)


def test_insert_into_a_closure_collection() -> None:
    fixed = VISIT.replace("        return any(", "        seen.add(node)\n        return any(", 1)
    from tests.generate.test_templates import generate, results

    cands = generate(VISIT, "return any(", ["insert_statement"])
    assert fixed in results(VISIT, cands)
