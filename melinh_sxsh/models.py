"""The project's own tables (the apps own the rest)."""

from django.db import models


class DataVersion(models.Model):
    """One row: a token that every write which can change a figure replaces inside its own
    transaction, so that figures cached under the old token are never read again
    (melinh_sxsh/lib/dataversion.py)."""

    token = models.CharField(max_length=32)

    def __str__(self) -> str:
        return self.token
