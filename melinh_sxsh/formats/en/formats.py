# The English interface keeps the district's dates, day first: 15/03/2018 typed and shown, in
# the pages and in Django's admin (whose date boxes and calendar read DATE_INPUT_FORMATS[0]).
# Numbers are written the Vietnamese way by the `num` filter and lib/forms.py in any language.
from melinh_sxsh.formats.vi.formats import (  # noqa: F401
    DATE_FORMAT,
    DATE_INPUT_FORMATS,
    DATETIME_FORMAT,
    DATETIME_INPUT_FORMATS,
    FIRST_DAY_OF_WEEK,
    MONTH_DAY_FORMAT,
    SHORT_DATE_FORMAT,
    SHORT_DATETIME_FORMAT,
    TIME_FORMAT,
)

YEAR_MONTH_FORMAT = "m/Y"
