class DomainError(Exception):
    """A rule of the domain was broken; the message is for the person who broke it."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
