"""The one domain exception, and its form for a service given many rows at once."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError


class DomainError(Exception):
    """A rule of the domain was broken; the message is for the person who broke it."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class Problem:
    """A rule one row breaks: `row` is its position among the rows given to the service."""

    row: int
    field: str | None
    message: str


class RowsRefused(DomainError):
    """Rows given to a many-row service break rules; nothing was written. As a DomainError it
    carries the first problem, which is all a form that sent one row needs."""

    def __init__(self, problems: list[Problem]):
        first = problems[0]
        super().__init__(first.message, field=first.field)
        self.problems = problems


class Problems:
    """Collects the problems of a batch of rows: at most one per row, the first found."""

    def __init__(self) -> None:
        self.found: dict[int, Problem] = {}

    def add(self, row: int, field: str | None, message: str) -> None:
        self.found.setdefault(row, Problem(row, field, str(message)))

    def add_invalid(self, row: int, exc: ValidationError) -> None:
        """The first message of a model's validation, on its field."""
        field, messages = next(iter(exc.message_dict.items()))
        self.add(row, None if field == "__all__" else field, " ".join(messages))

    def __contains__(self, row: int) -> bool:
        return row in self.found

    def raise_any(self) -> None:
        if self.found:
            raise RowsRefused(sorted(self.found.values(), key=lambda problem: problem.row))
