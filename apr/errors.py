"""Errors and exit codes.

Hierarchy::

    AprError                      any error apr reports to the user (exit 4 unless a subclass says)
    ├── UsageError                bad flags, bad config, bad path: exit 2
    │   └── NotARepository        the path is not inside a git work tree
    ├── CannotReproduce           the bug cannot be observed: exit 3
    │   ├── NoTestsFound          the test command collected no test
    │   ├── TestCommandNotFound   the test runner is not installed / not on PATH
    │   ├── TestCommandTimeout    the test command ran past its time limit
    │   └── ProjectBroken         collection/build errors (e.g. a syntax error in the project)
    └── ModelUnavailable          a model (checkpoint, tokenizer) cannot be loaded: exit 2

Each error carries the data a user needs (path, command, log tail) and a one-line ``str()``.
"""

from __future__ import annotations

import enum


class ExitCode(enum.IntEnum):
    OK = 0
    NO_PATCH = 1
    USAGE = 2
    CANNOT_REPRODUCE = 3
    INTERNAL = 4


class AprError(Exception):
    exit_code: ExitCode = ExitCode.INTERNAL

    def __init__(self, message: str, *, detail: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail

    def __str__(self) -> str:
        return self.message


class UsageError(AprError):
    exit_code = ExitCode.USAGE


class NotARepository(UsageError):
    pass


class ModelUnavailable(AprError):
    exit_code = ExitCode.USAGE


class CannotReproduce(AprError):
    exit_code = ExitCode.CANNOT_REPRODUCE


class NoTestsFound(CannotReproduce):
    pass


class TestCommandNotFound(CannotReproduce):
    __test__ = False  # not a pytest test class


class TestCommandTimeout(CannotReproduce):
    __test__ = False


class ProjectBroken(CannotReproduce):
    pass
