"""Mask-template generation (GAMMA): the blanks of each pattern, the local-lm and codet5 fillers,
and the candidates the generator makes of their fillings."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from apr.config import RepairConfig
from apr.errors import ModelUnavailable, UsageError
from apr.generate import GENERATORS, Context, MaskFillGenerator, TemplateGenerator, rank
from apr.generate.brace_site import JavaSite
from apr.generate.edits import apply_edits
from apr.generate.fill import (
    MASK,
    CodeT5Filler,
    LocalLMFiller,
    MaskedCode,
    brace_masks,
    gamma_input,
    python_masks,
)
from apr.generate.fill.local import project_files, project_model
from apr.generate.maskfill import DECAY, LEAD, make_filler, normalized
from apr.generate.site import Site
from apr.generate.templates import PRIORS, TABLES
from apr.lang import get_language
from apr.model import Candidate, Edit, Hunk
from apr.pipeline import RepairTask, repair, resolve_config
from tests.generate.test_tokenlm import PROJECT
from tests.models.conftest import tiny_model_dir  # noqa: F401 -- the session fixture

PY = get_language("python")
JAVA = get_language("java")


def src(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def hunk_at(source: str, fragment: str, file: str = "m.py", score: float = 1.0) -> Hunk:
    language = JAVA if file.endswith(".java") else PY
    line = next(i for i, text in enumerate(source.splitlines(), 1) if fragment in text)
    span = language.statement_at(source.encode(), line)
    assert span is not None
    return Hunk(file, span.first_line, span.last_line, span.start, span.end, score)


def masks_of(source: str, fragment: str, java: bool = False) -> list[MaskedCode]:
    hunk = hunk_at(source, fragment, "A.java" if java else "m.py")
    if java:
        return list(brace_masks(JavaSite(source.encode(), JAVA, hunk.start, hunk.end)))
    return list(python_masks(Site(source.encode(), PY, hunk.start, hunk.end)))


def shown(masks: list[MaskedCode], pattern: str) -> list[str]:
    """Each blank of ``pattern`` as its lines with ``<mask>``, indentation dropped."""
    return ["\n".join(line.strip() for line in m.lines(MASK).splitlines())
            for m in masks if m.pattern == pattern]


CART = src('''
    class Cart:
        def __init__(self, items):
            self.items = items
            self.discount = 0

        def total(self, rate):
            if not self.items:
                return 0
            amount = sum(item.price * item.count for item in self.items)
            if amount > 100 and rate:
                amount = round(amount * (1 - rate), 2)
            return amount - self.discount

        def label(self, user):
            name = user.name.strip()
            return name
    ''')


# --- blanks ------------------------------------------------------------------------------------


def test_expression_blanks_cover_operators_literals_variables_callees_and_arguments() -> None:
    masks = masks_of(CART, "amount = round(")
    assert shown(masks, "operator") == ["amount = round(amount <mask> (1 - rate), 2)",
                                        "amount = round(amount * (1 <mask> rate), 2)"]
    assert shown(masks, "literal") == ["amount = round(amount * (<mask> - rate), 2)",
                                       "amount = round(amount * (1 - rate), <mask>)"]
    assert shown(masks, "variable") == ["<mask> = round(amount * (1 - rate), 2)",
                                        "amount = round(<mask> * (1 - rate), 2)",
                                        "amount = round(amount * (1 - <mask>), 2)"]
    assert shown(masks, "method") == ["amount = <mask>(amount * (1 - rate), 2)"]
    assert shown(masks, "argument") == ["amount = round(<mask>, 2)",
                                        "amount = round(amount * (1 - rate), <mask>)"]
    assert shown(masks, "insert_argument") == ["amount = round(amount * (1 - rate), 2, <mask>)"]
    assert {m.original for m in masks if m.pattern == "operator"} == {"*", "-"}


def test_statement_blanks_add_clauses_guards_returns_and_null_checks() -> None:
    assert shown(masks_of(CART, "if amount > 100"), "add_clause") == [
        "if amount > 100 and rate and <mask>:", "if (amount > 100 and rate) or <mask>:"]
    returned = masks_of(CART, "return amount - self")
    assert shown(returned, "return") == ["return <mask>"]
    assert shown(returned, "attribute") == ["return amount - self.<mask>"]
    guards = shown(masks_of(CART, "amount = round("), "guard")
    assert guards[0] == "if <mask>:\nreturn 0\namount = round(amount * (1 - rate), 2)"
    assert shown(masks_of(CART, "name = user.name"), "null_check") == [
        "if user is None:\nreturn <mask>\nname = user.name.strip()"]


def test_an_inserted_blank_keeps_the_file_layout() -> None:
    [guard, *_] = [m for m in masks_of(CART, "name = user.name") if m.pattern == "guard"]
    patched = apply_edits(CART.encode(), [Edit("m.py", guard.start, guard.end,
                                               guard.replacement("not user"))]).decode()
    assert "        if not user:\n            return name\n        name = user.name" in patched
    assert guard.original is None and guard.start == guard.end


def test_a_guard_returning_an_f_string_keeps_its_braces() -> None:
    source = src('''
        def label(hours, rate):
            if hours > 8:
                return f"{hours}h"
            total = hours * rate
            return total
        ''')
    guards = shown(masks_of(source, "total = hours"), "guard")
    assert 'if <mask>:\nreturn f"{hours}h"\ntotal = hours * rate' in guards


def test_java_blanks_include_types_wraps_and_null_checks() -> None:
    source = src('''
        class A {
            int size(java.util.List<String> names, String prefix) {
                int count = names.size() - 1;
                return count;
            }
        }
        ''')
    masks = masks_of(source, "int count", java=True)
    assert shown(masks, "type") == ["<mask> count = names.size() - 1;"]
    assert shown(masks, "operator") == ["int count = names.size() <mask> 1;"]
    assert shown(masks, "method") == ["int count = names.<mask>() - 1;"]
    assert shown(masks, "null_check") == [
        "if (names == null) {\nreturn <mask>;\n}\nint count = names.size() - 1;"]
    clauses = shown(masks_of(source.replace("int count = names.size() - 1;",
                                            "if (count > 0) { count--; }"), "if (count", True),
                    "add_clause")
    assert clauses == ["if (count > 0 && <mask>) { count--; }",
                       "if (count > 0 || <mask>) { count--; }"]


# --- the local LM filler -----------------------------------------------------------------------


LOOPS = PROJECT + "\n\n" + src('''
    def positions(items):
        found = []
        for i in range(max(items)):
            found.append(i)
        return found
    ''')


def fillings(source: str, fragment: str, original: str, root: Path | None = None,
             file: str = "m.py", n: int = 5) -> list[str]:
    """The best fillings of the blank that replaced ``original`` in the line of ``fragment``."""
    [masked] = [m for m in masks_of(source, fragment) if m.original == original][:1]
    masked = replace(masked, root=root, file=file)
    return [text for text, _ in LocalLMFiller().fill(masked, n)]


def test_the_local_lm_fills_a_callee_as_the_project_writes_it() -> None:
    assert fillings(LOOPS, "range(max(items))", "max")[0] == "len"


def test_the_local_lm_learns_from_the_project_files(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "util.py").write_text(LOOPS.split("def positions")[0])
    buggy = "def positions(items):\n    for i in range(max(items)):\n        yield i\n"
    (tmp_path / "pkg" / "pos.py").write_text(buggy)
    alone = fillings(buggy, "range(max", "max")
    learned = fillings(buggy, "range(max", "max", root=tmp_path, file="pkg/pos.py")
    assert learned[0] == "len" and alone[0] != "len"


def test_the_project_model_is_built_once_per_content(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("x = 1\n")
    files = project_files(tmp_path, "b.py", b"y = x\n", PY)
    assert [path for path, _ in files] == ["b.py", "a.py"]
    assert project_model(files, PY) is project_model(list(files), PY)
    assert project_model(files, PY) is not project_model([*files, ("c.py", b"z = 2\n")], PY)


def test_fillings_never_repeat_the_blank() -> None:
    for masked in masks_of(LOOPS, "range(max(items))"):
        texts = [text for text, _ in LocalLMFiller().fill(masked, 30)]
        assert masked.original not in texts and len(texts) == len(set(texts))


PARSE = src('''
    def parse_port(text):
        value = int(text)
        if not 0 < value < 65536:
            raise ValueError(text)
        return value


    def read(text, default):
        try:
            return parse_port(text)
        except TypeError as exc:
            raise SystemExit(str(exc))


    def parent(key):
        parts = key.split("/")
        return "/".join(parts[1:])
    ''')


def test_except_clauses_and_slices_get_blanks() -> None:
    assert shown(masks_of(PARSE, "except TypeError"), "exception") == ["except <mask> as exc:"]
    assert shown(masks_of(PARSE, "parts[1:]"), "slice") == ['return "/".join(parts[<mask>])']


def test_the_local_lm_fills_exceptions_the_project_raises_and_common_slices() -> None:
    [caught] = [m for m in masks_of(PARSE, "except TypeError") if m.pattern == "exception"]
    assert "ValueError" in [text for text, _ in LocalLMFiller().fill(caught, 3)]
    [sliced] = [m for m in masks_of(PARSE, "parts[1:]") if m.pattern == "slice"]
    assert ":-1" in [text for text, _ in LocalLMFiller().fill(sliced, 10)]


# --- the generator -----------------------------------------------------------------------------


def maskfill(source: str, fragment: str, score: float = 1.0,
             generator: MaskFillGenerator | None = None) -> Iterator[Candidate]:
    hunk = hunk_at(source, fragment, score=score)
    return (generator or MaskFillGenerator()).generate(hunk, Context(source.encode(), PY, "m.py"))


def fixed_by(source: str, candidates: list[Candidate]) -> list[str]:
    return [apply_edits(source.encode(), c.edits).decode() for c in candidates]


def test_the_generator_finds_a_wrong_variable_among_its_top_fillings() -> None:
    source = src('''
        def zeros(rows, cols):
            return [[0 for j in range(cols)] for i in range(rows)]


        def transpose(m):
            rows, cols = len(m), len(m[0])
            return [[m[i][j] for i in range(rows)] for j in range(rows)]
        ''')
    fixed = source.replace("for j in range(rows)]", "for j in range(cols)]")
    candidates = list(maskfill(source, "return [[m[i][j]"))
    assert fixed in fixed_by(source, candidates)


def test_the_generator_finds_a_missing_clause_among_its_top_fillings() -> None:
    source = src('''
        def active_names(users):
            return [u.name for u in users if u.active and not u.banned]


        def notify(users, send):
            for u in users:
                if u.active:
                    send(u)
        ''')
    fixed = source.replace("if u.active:", "if u.active and not u.banned:")
    candidates = [c for c in maskfill(source, "if u.active:") if c.template == "add_clause"]
    assert fixed in fixed_by(source, candidates[:5])


def test_mask_candidates_follow_the_template_candidates_of_their_hunk() -> None:
    hunk = hunk_at(LOOPS, "range(max(items))")
    context = Context(LOOPS.encode(), PY, "m.py")
    templates = list(TemplateGenerator().generate(hunk, context))
    masks = list(MaskFillGenerator().generate(hunk, context))
    ranked = rank([*templates, *masks], {"m.py": LOOPS.encode()}, PY)
    order = [c.generator for c in ranked]
    assert order.index("maskfill") == order.count("template")  # every template candidate first
    level = rank([*templates, *MaskFillGenerator(lead=1.0).generate(hunk, context)],
                 {"m.py": LOOPS.encode()}, PY)
    assert [c.generator for c in level[:20]].count("maskfill") > 0


def test_candidates_are_scored_by_hunk_prior_and_rank_within_their_blank() -> None:
    candidates = list(maskfill(LOOPS, "range(max(items))", score=0.5))
    assert {c.generator for c in candidates} == {"maskfill"}
    method = [c for c in candidates if c.template == "method" and "<mask>(items)" in c.description]
    expected = [0.5 * PRIORS["mutate_call"] * normalized(i) for i in range(len(method))]
    assert [c.score for c in method] == pytest.approx(expected)
    assert normalized(0) == LEAD and normalized(2) == pytest.approx(LEAD * DECAY ** 2)
    assert "<mask>" in method[0].description and "`len`" in method[0].description


def test_rank_merges_mask_and_template_candidates_keeping_the_better_score() -> None:
    hunk = hunk_at(LOOPS, "range(max(items))")
    context = Context(LOOPS.encode(), PY, "m.py")
    templates = list(TemplateGenerator().generate(hunk, context))
    masks = list(MaskFillGenerator().generate(hunk, context))
    ranked = rank([*templates, *masks], {"m.py": LOOPS.encode()}, PY)
    want = LOOPS.replace("range(max(items))", "range(min(items))").encode()
    both = [c for c in [*templates, *masks] if apply_edits(LOOPS.encode(), c.edits) == want]
    assert {c.generator for c in both} == {"template", "maskfill"}
    [kept] = [c for c in ranked if apply_edits(LOOPS.encode(), c.edits) == want]
    assert kept.score == max(c.score for c in both)
    assert {c.generator for c in ranked} == {"template", "maskfill"}


def test_the_generator_skips_hunks_outside_the_file() -> None:
    hunk = hunk_at(LOOPS, "range(max(items))")
    bad = Hunk("m.py", 1, 1, 10, 5, 1.0)
    assert list(MaskFillGenerator().generate(bad, Context(LOOPS.encode(), PY, "m.py"))) == []
    assert list(MaskFillGenerator().generate(hunk, Context(b"", PY, "m.py"))) == []


def test_settings_choose_the_filler() -> None:
    assert GENERATORS["maskfill"] is MaskFillGenerator
    generator = MaskFillGenerator.from_config(RepairConfig(mask_fills=7))
    assert isinstance(generator.filler, LocalLMFiller) and generator.fills == 7
    assert generator.lead == LEAD
    assert MaskFillGenerator.from_config(RepairConfig(mask_weight=1.0)).lead == 1.0
    with pytest.raises(UsageError, match="mask_weight"):
        RepairConfig(mask_weight=0)
    with pytest.raises(ModelUnavailable, match="needs a model"):
        MaskFillGenerator.from_config(RepairConfig(filler="codet5"))
    with pytest.raises(ModelUnavailable, match="no such directory"):
        make_filler("codet5", "/no/such/model")
    with pytest.raises(UsageError, match="unknown filler"):
        make_filler("gpt")
    with pytest.raises(UsageError):
        MaskFillGenerator(fills=0)


# --- the codet5 filler -------------------------------------------------------------------------


def test_gamma_input_is_the_buggy_line_as_a_comment_then_the_masked_function() -> None:
    [masked] = [m for m in masks_of(CART, "amount = round(") if m.pattern == "method"]
    text = gamma_input(masked)
    lines = text.splitlines()
    assert lines[0] == "# buggy line: amount = round(amount * (1 - rate), 2)"
    assert lines[1] == "    def total(self, rate):"
    assert "            amount = <extra_id_0>(amount * (1 - rate), 2)" in lines
    assert lines[-1] == "        return amount - self.discount"
    java = masks_of("class A {\n    int f(int a) {\n        return a + 1;\n    }\n}\n",
                    "return a", java=True)
    assert gamma_input(java[0]).startswith("// buggy line: return a + 1;\n    int f(int a) {")


def test_codet5_fills_blanks_with_the_tiny_model(tiny_model_dir: Path) -> None:  # noqa: F811
    filler = CodeT5Filler(str(tiny_model_dir), beam=2)
    [masked] = [m for m in masks_of(CART, "amount = round(") if m.pattern == "method"]
    found = filler.fill(masked, 2)
    assert len(found) <= 2
    assert all(text and "\n" not in text and text != "round" for text, _ in found)
    assert all(isinstance(score, float) for _, score in found)
    hunk = hunk_at(CART, "return name")  # few blanks: the tiny model is slow on a busy CPU
    generator = MaskFillGenerator(filler, fills=1)
    candidates = list(generator.generate(hunk, Context(CART.encode(), PY, "m.py")))
    assert {c.generator for c in candidates} <= {"maskfill"}
    ranked = rank(candidates, {"m.py": CART.encode()}, PY)
    assert all(c in candidates for c in ranked)


# --- in the pipeline ---------------------------------------------------------------------------


def test_a_repair_with_maskfill_reads_the_project(buggy_repo: Path) -> None:
    flags = {"budget": 20, "workers": 1, "generators": "template,maskfill"}
    config = resolve_config(buggy_repo, flags)
    result = repair(RepairTask(buggy_repo, config))
    assert result.status.value == "plausible"
    assert "<=" in result.patches[0].diff


def test_java_candidates_from_the_local_lm_parse() -> None:
    source = src('''
        class Range {
            int lo, hi;
            boolean contains(int x) {
                if (x >= lo && x < hi) {
                    return true;
                }
                return false;
            }
            int width() {
                return hi - lo;
            }
        }
        ''')
    hunk = hunk_at(source, "if (x >= lo", "Range.java")
    candidates = list(MaskFillGenerator().generate(hunk, Context(source.encode(), JAVA,
                                                                 "Range.java")))
    ranked = rank(candidates, {"Range.java": source.encode()}, JAVA)
    assert {c.template for c in ranked} >= {"operator", "variable", "add_clause", "wrap"}
    fixed = source.replace("x < hi", "x <= hi").encode()
    assert fixed in [apply_edits(source.encode(), c.edits) for c in ranked]


@pytest.mark.parametrize(("language", "file", "source", "line", "buggy", "fixed"), [
    ("javascript", "cookie.js", src('''
        function serialize(name, val) {
          var value = enc(val);
          if (!fieldContent.test(value)) {
            throw new TypeError('argument val is invalid');
          }
          if (value === undefined || value.length > limit) {
            return name;
          }
          return name + '=' + value;
        }
        '''), "if (!fieldContent.test(value)) {", "!fieldContent.test(value)",
     "!fieldContent.test(value) && value"),
    ("c", "range.c", src('''
        struct range { int first; int last; };

        int range_contains(const struct range *r, int day) {
            if (r == NULL) {
                return 0;
            }
            return r->first <= day && day < r->last;
        }
        '''), "return r->first <= day", "day < r->last", "day <= r->last"),
])
def test_javascript_and_c_blanks_on_the_brace_core(language: str, file: str, source: str,
                                                    line: str, buggy: str, fixed: str) -> None:
    """The brace languages share Java's patterns: their own words and node kinds (a called
    member is a method's blank, not also an attribute's), the project's donors, and the fix."""
    lang = get_language(language)
    number = next(i for i, text in enumerate(source.splitlines(), 1) if line in text)
    span = lang.statement_at(source.encode(), number)
    assert span is not None
    hunk = Hunk(file, span.first_line, span.last_line, span.start, span.end, 1.0)
    candidates = list(MaskFillGenerator().generate(hunk, Context(source.encode(), lang, file)))
    patched = [apply_edits(source.encode(), c.edits).decode() for c in candidates]
    assert source.replace(buggy, fixed, 1) in patched
    site = TABLES[language][0](source.encode(), lang, hunk.start, hunk.end)
    blanks = {kind: {(m.start, m.end) for m in brace_masks(site) if m.pattern == kind}
              for kind in ("method", "attribute")}
    assert not blanks["method"] & blanks["attribute"]
    assert bool(blanks["method"]) == (language == "javascript")  # fieldContent.test(...)


def test_retrieved_lines_bring_their_donors_before_the_projects_commonest(
        tmp_path: Path) -> None:
    """A method seen once, in the project's line most like the hunk, enters a short pool that
    the project's commonest methods fill without retrieval."""
    methods = ("save", "load", "drop", "push", "pull", "mark")
    busy = "".join(f"def use{i}(store):\n" + "".join(f"    store.{m}({i})\n" for m in methods)
                   + "\n\n" for i in range(8))
    (tmp_path / "busy.py").write_text(busy)
    (tmp_path / "cache.py").write_text(
        "def cached_total(store, key):\n    value = store.fetch_cached(key)\n    return value\n")
    buggy = "def total(store, key):\n    value = store.fetch(key)\n    return value + 1\n"
    (tmp_path / "calc.py").write_text(buggy)
    [masked] = [m for m in masks_of(buggy, "store.fetch(key)") if m.original == "fetch"]
    masked = replace(masked, root=tmp_path, file="calc.py")

    def pool(k: int) -> list[str]:
        filler = LocalLMFiller(pool_size=4, retrieve_k=k)
        return [text for text, _ in filler.fill(masked, 4)]

    assert "fetch_cached" in pool(3)
    assert "fetch_cached" not in pool(0)
