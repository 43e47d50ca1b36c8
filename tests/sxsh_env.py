"""A pytest plugin loaded before Django (`-p tests.sxsh_env` in pyproject.toml): the suite runs
with the development defaults unless the environment says otherwise."""

import os

os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-used-anywhere-else-0123456789")
