"""The child process of :mod:`apr.bench.equivalence`: run the developer's function and the
candidates' on the same inputs and say where each parts from it. Standard library only, run by
path (``python -I FILE``), never imported by apr.

    python -I differential_child.py JOB.json

``JOB.json``: ``{"reference": PATH, "candidates": [PATH, ...], "function": NAME, "inputs":
[[args...], ...], "limit": SECONDS}``. The reference runs once per input, then each candidate
that has not differed yet. One line per event on stdout, flushed as it goes, so that a parent
that kills a hung child still knows how far it came (K is a candidate's index):

- ``error K TEXT``: candidate K's function could not be loaded (``error all TEXT``: the
  reference's; nothing is compared);
- ``skip I``: the reference raised or ran past ``limit`` on input I (outside its domain);
- ``run I K``: the reference returned on input I; candidate K runs on it now;
- ``same I K``: candidate K returned the same value;
- ``diff I K TEXT``: it did not (another value, an exception, or a run past ten times the
  reference's time and at least ``limit``); K runs no more. The child ends when every
  candidate has differed.
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
    except Exception as exc:  # noqa: BLE001 -- said to the parent, which judges nothing
        print(f"error all cannot load {job['function']}: {type(exc).__name__}: {exc}",
              flush=True)
        return
    alive = {}
    for k, path in enumerate(job["candidates"]):
        try:
            alive[k] = getattr(_load(path, f"apr_candidate_{k}"), job["function"])
        except Exception as exc:  # noqa: BLE001 -- this candidate is not judged
            print(f"error {k} cannot load {job['function']}: {type(exc).__name__}: {exc}",
                  flush=True)
    limit = float(job["limit"])
    for i, args in enumerate(job["inputs"]):
        if not alive:
            return
        try:
            expected, took = _call(reference, args, limit)
        except (Exception, _Overtime):  # noqa: BLE001 -- outside the reference's domain
            print(f"skip {i}", flush=True)
            continue
        for k, candidate in list(alive.items()):
            print(f"run {i} {k}", flush=True)
            difference = _compare(candidate, args, expected, took, limit)
            if difference:
                print(f"diff {i} {k} {difference}", flush=True)
                del alive[k]
            else:
                print(f"same {i} {k}", flush=True)


def _compare(candidate, args, expected, took, limit):
    """How the candidate parts from the reference on ``args`` ("" if it does not)."""
    allowed = max(limit, 10 * took)
    try:
        got, _ = _call(candidate, args, allowed)
    except _Overtime:
        return (f"ran past {allowed:.2f} s on {_short(args)}; the reference returned "
                f"{_short(expected)} in {took:.3f} s")
    except Exception as exc:  # noqa: BLE001 -- the candidate raised where it should not
        return (f"raised {type(exc).__name__} on {_short(args)}; the reference returned "
                f"{_short(expected)}")
    if not _same(expected, got):
        return (f"returned {_short(got)} on {_short(args)}; the reference returned "
                f"{_short(expected)}")
    return ""


if __name__ == "__main__":
    main(sys.argv[1])
