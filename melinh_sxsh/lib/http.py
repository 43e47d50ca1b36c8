"""Reading request parameters without letting a bad value become a 500."""

from collections.abc import Mapping


def int_param(params: Mapping[str, str], name: str, default: int, minimum: int,
              maximum: int) -> int:
    try:
        value = int(params.get(name, default))
    except (TypeError, ValueError):
        return default
    return value if minimum <= value <= maximum else default
