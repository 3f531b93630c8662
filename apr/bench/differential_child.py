"""The child process of :mod:`apr.bench.equivalence`: run two programs' functions on the same
inputs and say where they part. Standard library only, run by path (``python -I FILE``), never
imported by apr.

    python -I differential_child.py JOB.json

``JOB.json``: ``{"reference": PATH, "candidate": PATH, "function": NAME, "inputs": [[args...],
...], "limit": SECONDS}``. One line per input on stdout, flushed as it goes, so that a parent
that kills a hung child still knows how far it came:

- ``skip I``: the reference raised or ran past ``limit`` on input I (outside its domain);
- ``ran I SECONDS``: the reference returned; the candidate runs next;
- ``same I``: the candidate returned the same value;
- ``error TEXT``: a program or its function could not be loaded; nothing was compared;
- ``diff I TEXT``: it did not (another value, an exception, or a run past ten times the
  reference's time and at least ``limit``); the child stops there.
"""

import copy
import importlib.util
import itertools
import json
import math
import signal
import sys
import time


class _Overtime(BaseException):
    """Raised by the timer; a BaseException so that the program's ``except Exception`` does not
    swallow it."""


def _alarm(signum, frame):
    raise _Overtime()


def _load(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _call(function, args, limit):
    """(value, seconds) of ``function(*args)``; raises _Overtime past ``limit``."""
    start = time.perf_counter()
    signal.setitimer(signal.ITIMER_REAL, limit)
    try:
        value = _plain(function(*copy.deepcopy(args)))
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    return value, time.perf_counter() - start


def _plain(value):
    """Iterators and generators become lists (at most 100000 items), so that values compare."""
    if isinstance(value, (str, bytes, list, tuple, dict, set, frozenset)) or value is None:
        return value
    if hasattr(value, "__next__"):
        return list(itertools.islice(value, 100000))
    return value


def _same(a, b):
    if isinstance(a, float) or isinstance(b, float):
        try:
            return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12) or (a != a and b != b)
        except TypeError:
            return False
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(map(_same, a, b))
    try:
        return bool(a == b) and type(a) is type(b)
    except Exception:  # noqa: BLE001 -- a value that cannot be compared is not the same
        return False


def _short(value):
    text = repr(value)
    return text if len(text) <= 200 else text[:200] + "..."


def main(job_path):
    with open(job_path, encoding="utf-8") as fh:
        job = json.load(fh)
    signal.signal(signal.SIGALRM, _alarm)
    sys.setrecursionlimit(5000)
    try:
        reference = getattr(_load(job["reference"], "apr_reference"), job["function"])
        candidate = getattr(_load(job["candidate"], "apr_candidate"), job["function"])
    except Exception as exc:  # noqa: BLE001 -- said to the parent, which judges nothing
        print(f"error cannot load {job['function']}: {type(exc).__name__}: {exc}", flush=True)
        return
    limit = float(job["limit"])
    for i, args in enumerate(job["inputs"]):
        try:
            expected, took = _call(reference, args, limit)
        except (Exception, _Overtime):  # noqa: BLE001 -- outside the reference's domain
            print(f"skip {i}", flush=True)
            continue
        print(f"ran {i} {took:.6f}", flush=True)
        try:
            got, _ = _call(candidate, args, max(limit, 10 * took))
        except _Overtime:
            print(f"diff {i} ran past {max(limit, 10 * took):.2f} s on {_short(args)}; the "
                  f"reference returned {_short(expected)} in {took:.3f} s", flush=True)
            return
        except Exception as exc:  # noqa: BLE001 -- the candidate raised where it should not
            print(f"diff {i} raised {type(exc).__name__} on {_short(args)}; the reference "
                  f"returned {_short(expected)}", flush=True)
            return
        if not _same(expected, got):
            print(f"diff {i} returned {_short(got)} on {_short(args)}; the reference "
                  f"returned {_short(expected)}", flush=True)
            return
        print(f"same {i}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
