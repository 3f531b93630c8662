"""The warm JVM compiles the coming candidates' versions of a file in one javac task, each
renamed apart and renamed back (``Batch.java``): every class file equal, byte for byte, to its
compile alone; every compile error that of its compile alone; a type that other built
classes know by type compiled alone; and the validator shows the driver what comes."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from apr.model import Candidate, Edit
from apr.project.java_tools import JavaTools
from apr.project.java_warm import WARM_UP_OPTIONS, WarmJVM
from apr.project.junit import JUnitDriver
from apr.project.workspace import Snapshot, UserRepo
from apr.validate.engine import CheckedDriver
from apr.validate.validator import Limits, Plan, Validator, WorkspacePool
from tests.conftest import RepoFactory
from tests.project.java.conftest import needs_junit

#: A unit whose name is also in a comment, string, char and text block, a string switch's
#: case, nested types, an anonymous class, a lambda, a class literal; and a second
#: top-level type. ``CHANGE`` is what the versions replace.
UNIT = '''package demo;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/** Calc, as in "Calc". */
public class Calc {
    static final String NAME = "Calc";
    static final String BLOCK = """
        Calc \\""" Calc
        """;
    static final char C = 'C';

    enum Mode { UP, DOWN }

    interface Op {
        int apply(int x);
    }

    private final List<Calc> peers = new ArrayList<>();

    public static int next(int x) {
        return CHANGE;
    }

    int mode(Mode m) {
        switch (m) {
            case UP:
                return 1;
            default:
                return 2;
        }
    }

    int word(String s) {
        switch (s) {
            case "Calc":
                return 1;
            case "x":
                return 2;
            default:
                return peers.size();
        }
    }

    Supplier<Calc> self() {
        return () -> this;
    }

    Op op() {
        return new Op() {
            @Override
            public int apply(int x) {
                return Calc.next(x) + C;
            }
        };
    }

    static String name() {
        return Calc.class.getSimpleName() + NAME + BLOCK + Calc.Mode.UP + Helper.class;
    }
}

class Helper {
    Calc make() {
        return new Calc();
    }
}
'''
VERSIONS = ["x - 1", "x + 1", "(x) * 2", "x", "Calc.next(x - 1)", "x -* 1", 'x + "s"',
            "Helper.missing(x)", "new Helper().make().word(NAME)", "Mode.DOWN.ordinal() + x"]
FAILING = {"x -* 1", 'x + "s"', "Helper.missing(x)"}


@pytest.fixture
def tools() -> JavaTools:
    return JavaTools.find()


@pytest.fixture
def jvms(tools: JavaTools, tmp_path: Path) -> Iterator[tuple[WarmJVM, WarmJVM]]:
    alone, batched = WarmJVM(tools, tmp_path), WarmJVM(tools, tmp_path)
    try:
        yield alone, batched
    finally:
        alone.close()
        batched.close()


@needs_junit
def test_versions_compiled_ahead_equal_each_compiled_alone(jvms: tuple[WarmJVM, WarmJVM],
                                                          tmp_path: Path) -> None:
    alone, batched = jvms
    classes = tmp_path / "classes"
    classes.mkdir()
    source = tmp_path / "src" / "demo" / "Calc.java"
    source.parent.mkdir(parents=True)
    texts = [UNIT.replace("CHANGE", v).encode() for v in VERSIONS]
    deadline = time.monotonic() + 120

    def compile_(jvm: WarmJVM, text: bytes, coming: list[tuple[str, bytes]]) -> tuple[str, str]:
        source.write_bytes(text)
        done = jvm.compile([str(source)], [str(classes)], WARM_UP_OPTIONS, "b", deadline, coming)
        return done.digest, done.errors

    expected = [compile_(alone, t, []) for t in texts]
    assert [bool(e) for _, e in expected] == [v in FAILING for v in VERSIONS]
    assert len({d for d, e in expected if not e}) == len(VERSIONS) - len(FAILING)
    coming = [(str(source), t) for t in texts[1:]]
    got = [compile_(batched, texts[0], coming)] + [compile_(batched, t, []) for t in texts[1:]]
    assert got == expected
    # the first compile goes alone (batches then grow: 2, 4...), failing versions go alone
    assert batched.compiles == (1 + len(FAILING), len(VERSIONS) - len(FAILING) - 1)


@needs_junit
def test_a_build_it_cannot_read_compiles_alone_and_says_why(jvms: tuple[WarmJVM, WarmJVM],
                                                            tmp_path: Path) -> None:
    """A class file in the build that is not one (the batch reads the build's class files):
    the compile goes alone with the same classes, the reason comes back once, and that build
    is not batched again."""
    alone, batched = jvms
    classes = tmp_path / "classes"
    (classes / "demo").mkdir(parents=True)
    (classes / "demo" / "Broken.class").write_bytes(b"\xca\xfe\xba\xbe not a class file")
    source = tmp_path / "src" / "demo" / "Calc.java"
    source.parent.mkdir(parents=True)
    texts = [UNIT.replace("CHANGE", v).encode() for v in ("x + 1", "x + 2", "x + 3")]
    deadline = time.monotonic() + 120
    got = []
    for n, text in enumerate(texts):
        source.write_bytes(text)
        coming = [(str(source), t) for t in texts[n + 1:]]
        got.append(batched.compile([str(source)], [str(classes)], WARM_UP_OPTIONS, "b", deadline,
                                   coming))
        assert got[-1].digest == alone.compile([str(source)], [str(classes)], WARM_UP_OPTIONS,
                                               "b", deadline).digest
    assert [bool(c.trouble) for c in got] == [False, True, False]
    assert batched.compiles == (3, 0)


#: ``Util.f`` has an overload for ``Part``: a renamed copy of ``Part`` is not one, and javac
#: would pick ``f(Object)`` for it. Util's class file names ``Part`` in a descriptor, so
#: ``Part``'s versions must compile alone.
KNOWN_BY_TYPE = {
    "src/main/java/demo/Part.java": """
        package demo;

        public class Part {
            public String kind() {
                return Util.f(this);
            }

            public static int inc(int x) {
                return x - 1;
            }
        }
        """,
    "src/main/java/demo/Util.java": """
        package demo;

        public final class Util {
            public static String f(Object o) {
                return "object";
            }

            public static String f(Part p) {
                return "part";
            }
        }
        """,
    "src/test/java/demo/PartTest.java": """
        package demo;

        import static org.junit.Assert.assertEquals;

        import org.junit.Test;

        public class PartTest {
            @Test
            public void kind() {
                assertEquals("part", new Part().kind());
            }

            @Test
            public void inc() {
                assertEquals(2, Part.inc(1));
            }
        }
        """,
}
PART = "src/main/java/demo/Part.java"
#: In ``Square``'s body, ``Shape`` is the member type it inherits from ``Base``, not the
#: top-level ``Shape`` of its own file; renamed apart, it would be. Base's class file uses
#: ``Shape`` as a name of its own, so ``Shape``'s versions must compile alone.
INHERITS_THE_NAME = {
    "src/main/java/demo/Base.java": """
        package demo;

        public class Base {
            public static class Shape {
                public String kind() {
                    return "inherited";
                }
            }
        }
        """,
    "src/main/java/demo/Shape.java": """
        package demo;

        public class Part {
            public String kind() {
                return "top-level";
            }

            public static int inc(int x) {
                return x - 1;
            }
        }

        class Square extends Base {
            String which() {
                return new Part().kind();
            }
        }
        """.replace("Part", "Shape"),
    "src/test/java/demo/PartTest.java": """
        package demo;

        import static org.junit.Assert.assertEquals;

        import org.junit.Test;

        public class PartTest {
            @Test
            public void kind() {
                assertEquals("inherited", new Square().which());
            }

            @Test
            public void inc() {
                assertEquals(2, Shape.inc(1));
            }
        }
        """,
}


#: ``Factory.make()`` returns a ``Sub`` of ``Part``: to a renamed copy of ``Part``, ``Sub`` is
#: not a ``Part``, and javac would pick ``which(Object)``.
A_SUBTYPE_COMES_IN = {
    **{k: v for k, v in KNOWN_BY_TYPE.items() if "Util" not in k},
    PART: """
        package demo;

        public class Part {
            public static String which(Object o) {
                return "object";
            }

            public static String which(Part p) {
                return "part";
            }

            public String kind() {
                return which(Factory.make());
            }

            public static int inc(int x) {
                return x - 1;
            }
        }
        """,
    "src/main/java/demo/Sub.java": """
        package demo;

        public class Sub extends Part {
        }
        """,
    "src/main/java/demo/Factory.java": """
        package demo;

        public final class Factory {
            public static Sub make() {
                return new Sub();
            }
        }
        """,
}


@needs_junit
@pytest.mark.parametrize(("project", "main"), [(KNOWN_BY_TYPE, PART),
                                               (INHERITS_THE_NAME, PART.replace("Part", "Shape")),
                                               (A_SUBTYPE_COMES_IN, PART)],
                         ids=["an overload for it", "its name inherited", "a subtype comes in"])
def test_a_type_built_classes_know_compiles_alone(make_repo: RepoFactory, project: dict[str, str],
                                                  main: str) -> None:
    warm, cold = JUnitDriver(warm=True), JUnitDriver(warm=False)
    fixes = [b"x + 1", b"x * 2", b"x + 2", b"1 + x"]
    with Snapshot(UserRepo.locate(make_repo(project))) as snap:
        try:
            ws, cws = snap.workspace("warm"), snap.workspace("cold")
            original = snap.read(main)
            versions = [original.replace(b"x - 1", f) for f in fixes]
            for driver, space in ((warm, ws), (cold, cws)):
                driver.run(space.project_dir, space.root, timeout=120)  # builds
            for n, version in enumerate(versions):
                ws.write(main, version)
                cws.write(main, version)
                warm.foresee(ws.project_dir, ws.root, [{main: v} for v in versions[n + 1:]])
                hot = warm.run(ws.project_dir, ws.root, timeout=120)
                assert hot.outcomes == cold.run(cws.project_dir, cws.root, timeout=120).outcomes
                assert hot.outcomes["demo.PartTest#kind"].value == "passed"
            assert warm._warm is not None
            assert (warm._warm.counts.alone, warm._warm.counts.batched) == (len(fixes), 0)
        finally:
            warm.close()
            cold.close()


@needs_junit
def test_the_validator_shows_the_driver_what_comes(make_repo: RepoFactory) -> None:
    """Validation with the warm driver compiles the candidates ahead in batches (fewer javac
    tasks than candidates), every run checked against the cold driver's (``--engine check``,
    which raises on the first difference). ``Util`` still has an overload for ``Part``, but
    no version of ``Part`` calls it: they are batched."""
    main = "src/main/java/demo/Part.java"
    repo = make_repo({k: v.replace("Util.f(this)", '"part"') for k, v in KNOWN_BY_TYPE.items()})
    texts = ["x + 1", "x - 2", "1 + x", "x -* 1", "x + 0 + 1", "(x + 1)", '"s"', "x * 1 + 1", "x",
             "x + 2 - 1", "2 * x - 1 + 0", "x / 1 + 1"]
    warm = JUnitDriver(warm=True)
    checked = CheckedDriver(warm, JUnitDriver(warm=False))
    with Snapshot(UserRepo.locate(repo)) as snap:
        start = snap.read(main).index(b"x - 1")
        cands = [Candidate((Edit(main, start, start + 5, t),), "t", "t", 1.0 - i / 20, t)
                 for i, t in enumerate(texts)]
        try:
            base = snap.workspace("baseline")
            baseline = checked.run(base.project_dir, base.root, timeout=120)
            limits = Limits(budget=len(cands), deadline=time.monotonic() + 600,
                            max_patches=len(cands), test_timeout=5.0, run_timeout=120.0)
            validator = Validator(snap, checked, Plan.of(baseline), limits,
                                  pool=WorkspacePool(snap))
            results = sorted(validator.validate(cands, 1), key=lambda r: r.index)
        finally:
            checked.close()
    assert [r.outcome.value for r in results].count("plausible") == 7
    assert checked.compared >= len(cands)
    counts = warm._warm.counts if warm._warm is not None else None
    assert counts is not None and counts.batched >= 6 and counts.alone <= 4
