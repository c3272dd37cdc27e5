"""The header index's core: read a FITS file's header (never its pixels), keep its searchable
keywords and a few typed fields, and the search language of the file browser. No Django here.

See ``docs/architecture.md``, "Data sources: a night as a table".
"""

from .fields import Fields, from_mjd, number, parse_datetime, to_mjd, typed_fields
from .query import MAX_QUERY_CHARS, Query, Term, matches, parse_query, shown, term_holds
from .reading import (
    FITS_SUFFIXES,
    MAX_HEADER_BYTES,
    MAX_KEYWORDS,
    HeaderRead,
    Value,
    is_fits_name,
    keep_keywords,
    read_header,
)

__all__ = [
    "FITS_SUFFIXES",
    "MAX_HEADER_BYTES",
    "MAX_KEYWORDS",
    "MAX_QUERY_CHARS",
    "Fields",
    "HeaderRead",
    "Query",
    "Term",
    "Value",
    "from_mjd",
    "is_fits_name",
    "keep_keywords",
    "matches",
    "number",
    "parse_datetime",
    "parse_query",
    "read_header",
    "shown",
    "term_holds",
    "to_mjd",
    "typed_fields",
]
