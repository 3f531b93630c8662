"""The correctness estimate: anti-patterns, size, localization, naturalness, and the order."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from apr.generate.naturalness import Naturalness
from apr.generate.tokenlm import tokens
from apr.lang import get_language
from apr.lang.diff import diff_size
from apr.model import Candidate, Edit, Outcome, ValidationResult
from apr.rank.estimate import (
    ANTI_PATTERN_NAMES,
    ASSIGN_TARGET,
    STATIC_NAMES,
    Estimator,
    anti_patterns,
    changed_regions,
    estimate,
    rank_plausible,
    static_parts,
)

PY = get_language("python")
SOURCE = b'''def check(items, name):
    if items and name:
        label = "item:" + name
        return lookup(label, items)
    return None


def lookup(label, items):
    return [x for x in items if x == label]
'''


def replace(old: str, new: str) -> Candidate:
    start = SOURCE.index(old.encode())
    return Candidate((Edit("m.py", start, start + len(old.encode()), new),), "template",
                     "t", 1.0, f"{old} -> {new}")


def toks(text: str) -> list[str]:
    return tokens(text, PY)


@pytest.mark.parametrize(("old", "new", "found"), [
    ("if a and b:", "if a or b:", ["weaken_condition"]),
    ("if a and b:", "if a:", ["weaken_condition"]),
    ("if a:", "if a or flag:", ["weaken_condition"]),
    ("x = f(a)", "x = f(a)\nreturn x", ["early_exit"]),
    ('s = "item:"', 's = "item"', ["shorten_string"]),
    ("f(label, items)", "f(None, items)", ["null_value"]),
    ("if a:\n    b()", "b()", ["delete_statement"]),
    ("x = 1", "pass", ["delete_statement"]),
    ("if a < b:", "if a <= b:", []),
    ("f(label, items)", "f(items, label)", []),
    # a null check of what the condition dereferences is a guard, not a weakening
    ("if node.next is None:", "if node is None or node.next is None:", []),
    ("if node.next is None:", "if not node or node.next is None:", []),
    ("if node.next is None:", "if other is None or node.next is None:", ["weaken_condition"]),
    ("if a.b:", "if a.b is None or flag:", ["weaken_condition"]),
    # None compared with is not None put where a value was
    ("if x == y:", "if x is None:", []),
    ("return x", "return None", ["null_value"]),
    # an operation with its identity element: a smaller change in disguise
    ("return 1 + f(s)", "return 1 * f(s)", ["identity_operation"]),
    ("return 1 + f(s)", "return 0 + f(s)", ["identity_operation"]),
    ("return 1 + f(s)", "return 1 + f(s) - 1", ["identity_operation"]),
    ("k = int(n ** 0.5)", "k = int(n ** 1)", ["identity_operation"]),
    ("y = a[i]", "y = a[i + 0]", ["identity_operation"]),
    ("return 1 + f(s)", "return f(s)", []),
    ("y = x * 2", "y = x * 1.5", []),
    ("y = b - 0 * c", "y = b - 2 * c", []),
    ("return x", "return x * -1", []),
    ("y = x - 0", "y = x + 0", []),  # one identity for another
    # a loop that goes on but ignores its items
    ("any(f(n) for n in node.succ)", "any(f(goal) for n in node.succ)", ["unused_loop_variable"]),
    ("total = sum(x for x in xs)", "total = sum(1 for x in xs)", ["unused_loop_variable"]),
    ("any(f(n) for n in node.succ)", "any(g(n) for n in node.succ)", []),
    ("for i in range(n):", "for i in range(n + 1):", []),  # its body is not in the change
    ("sum(1 for _ in xs)", "sum(1 for _ in ys)", []),
])
def test_anti_patterns(old: str, new: str, found: list[str]) -> None:
    assert anti_patterns(toks(old), toks(new)) == found
    assert set(found) <= set(ANTI_PATTERN_NAMES)  # what rerank.py finds again


@pytest.mark.parametrize(("old", "new", "moved"), [
    ("dp[i, j] = dp[i - 1, j] + 1", "dp[i, j + 1] = dp[i - 1, j] + 1", 1),
    ("dp[i, j] = dp[i - 1, j] + 1", "dp[i, j] = dp[i - 1, j - 1] + 1", 0),  # the value
    ("total += x", "count += x", 1),
    ("total += x", "total -= x", 0),  # the operator
    ("a = 1\nb = 2", "a = 1\nc = 2", 1),
    ("a = 1\nb = 2", "a = 1", 0),  # a statement dropped: not a moved value
    ("f(a=1)", "f(b=1)", 0),  # a keyword argument is no assignment
    ("if a == b:", "if c == b:", 0),
])
def test_a_value_stored_elsewhere_is_a_prior_against(old: str, new: str, moved: int) -> None:
    parts = static_parts(toks(old), toks(new))
    assert parts.get("assign_target", 0.0) == moved * ASSIGN_TARGET
    assert set(parts) <= set(STATIC_NAMES)  # what rerank.py finds again


def test_a_java_declaration_and_a_field_are_targets_too() -> None:
    java = get_language("java")

    def parts(old: str, new: str) -> dict[str, float]:
        return static_parts(tokens(old, java), tokens(new, java))

    assert parts("this.size = n;", "this.count = n;") == {"assign_target": ASSIGN_TARGET}
    assert parts("int k = a[i];", "int k = a[i + 1];") == {}
    assert parts("for (int i = 0; i < n; i++) {", "for (int j = 0; i < n; i++) {") == {}


def test_the_size_is_a_token_diff_each_distinct_change_once() -> None:
    assert diff_size(toks("a = b"), toks("a = b")) == 0
    assert diff_size(toks("f(x)"), toks("f(x, y)")) == 2
    assert diff_size(toks("x = a[i] << 8"), toks("x = (a[i] & 0xff) << 8")) == 4
    assert diff_size(toks("a = b + c"), toks("a = b - c")) == 2
    assert diff_size(toks("f(a.m(x), b.m(x))"), toks("f(a.s(x), b.s(x))")) == 2
    assert diff_size(toks("f(a.m(x), b.m(x))"), toks("f(a.s(x), b.t(x))")) == 4


def test_regions_are_whole_lines_before_and_after() -> None:
    (region,) = changed_regions(replace("and", "or").edits, {"m.py": SOURCE})
    assert (region.old, region.new) == ("    if items and name:", "    if items or name:")
    assert region.patched[region.new_span[0]:region.new_span[1]].decode() == region.new


def plausible(candidate: Candidate, index: int) -> ValidationResult:
    return ValidationResult(candidate, Outcome.PLAUSIBLE, 1.0, 1, index=index)


def test_the_estimate_puts_an_overfitting_patch_after_a_clean_one(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_bytes(SOURCE)
    sources = {"m.py": SOURCE}
    est = Estimator(sources, PY, tokens, lambda c: 0.5, Naturalness(tmp_path, sources, PY))
    weakened = plausible(replace("items and name", "items or name"), 0)
    shortened = plausible(replace('"item:"', '"item"'), 1)
    clean = plausible(replace("x == label", "x.startswith(label)"), 2)
    ranked = rank_plausible([weakened, shortened, clean], est)
    assert [r.index for r in ranked][0] == 2
    parts = ranked[0].estimate
    assert set(parts) == {"localization", "size", "naturalness", "order", "total"}
    assert parts["order"] == round(-0.05 * math.log(3), 4)  # offered third
    assert parts["localization"] == 0.5
    assert parts["total"] == pytest.approx(sum(v for k, v in parts.items() if k != "total"),
                                           abs=1e-3)
    assert estimate(weakened.candidate, est)["weaken_condition"] == -1.0


def test_naturalness_prefers_the_projects_own_idiom(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_bytes(SOURCE)
    sources = {"m.py": SOURCE}
    natural = Naturalness(tmp_path, sources, PY)
    est = Estimator(sources, PY, tokens, naturalness=natural)
    common = estimate(replace("return None", "return lookup(label, items)"), est)
    odd = estimate(replace("return None", "return zq(7 ^ qz, ~7)"), est)
    assert common["naturalness"] > odd["naturalness"]


def test_reports_show_each_features_contribution() -> None:
    from apr.model import RepairResult, RepairStatus
    from apr.report.json_report import report_dict
    from apr.report.text import summary

    parts = {"weaken_condition": -1.0, "localization": 0.5, "size": -0.2, "total": -0.7}
    patch = ValidationResult(replace("and", "or"), Outcome.PLAUSIBLE, 1.0, 1, diff="d\n",
                             estimate=parts)
    result = RepairResult(RepairStatus.PLAUSIBLE, (patch,), (), ("t",), 1, 1, 1.0, {})
    assert report_dict(result)["patches"][0]["estimate"] == parts
    assert ("correctness estimate -0.70 (weaken_condition -1.00, localization +0.50, "
            "size -0.20)") in summary(result)


def test_javascript_null_guards_and_identities() -> None:
    js = get_language("javascript")

    def found(old: str, new: str) -> list[str]:
        return anti_patterns(tokens(old, js), tokens(new, js))

    assert found("if (s.length > 2) return a;", "if (s == null || s.length > 2) return a;") == []
    assert found("if (s.length > 2) return a;", "if (!s || s.length > 2) return a;") == []
    assert found("var n = opt.maxAge;", "var n = opt.maxAge << 0;") == ["identity_operation"]
    assert found("f(a);", "f(undefined);") == ["null_value"]
