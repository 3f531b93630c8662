"""Running apr in CI (`apr ci`): environment detection, outputs for CI services, fix branches.

::

    from apr.ci import CIEnvironment, CIOptions, run_ci
    outcome = run_ci(Path("."), {}, CIOptions(sarif=Path("apr.sarif")),
                     CIEnvironment.detect(os.environ))
"""

from __future__ import annotations

from apr.ci.environment import CIEnvironment, CIProvider
from apr.ci.run import CIOptions, CIOutcome, default_cache_dir, run_ci

__all__ = ["CIEnvironment", "CIOptions", "CIOutcome", "CIProvider", "default_cache_dir", "run_ci"]
