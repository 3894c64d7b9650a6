"""Shared test configuration: hypothesis profiles and real ceremonies as fixtures."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

# "ci": CI=true on a 2-core machine, bounded time. "dev": the default. "thorough": before releases.
settings.register_profile(
    "ci", max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", max_examples=60, deadline=None)
settings.register_profile("thorough", max_examples=1000, deadline=None)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") == "true" else "dev")
)
