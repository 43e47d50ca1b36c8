"""A pytest plugin loaded before Django (`-p tests.sxsh_env` in pyproject.toml): the suite runs
with the development defaults unless the environment says otherwise."""

import os

os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-used-anywhere-else-0123456789")

REQUIRE_ALL = os.environ.get("SXSH_REQUIRE_ALL") == "1"


def need(service: str, available: bool, why: str = "") -> None:
    """Skip a test that needs a missing service, or fail when the run must have everything."""
    import pytest

    if available:
        return
    message = f"{service} is not available{': ' + why if why else ''}"
    if REQUIRE_ALL:
        pytest.fail(f"{message} (SXSH_REQUIRE_ALL=1)")
    pytest.skip(message)
