"""How a query value is read for the kind of field it is compared with.

Values match the whole field (fields are not tokenized); wildcards apply to text, ranges to
integers and dates, and neither to JSON fields. Dates may be partial ISO 8601 and then stand
for their whole period (Auth0, "User Search Query Syntax" and "Log Search Query Syntax").
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

from authgate.search.schema import RANGED, Kind, Schema
from authgate.search.tree import (
    Bound,
    Equals,
    Exists,
    Like,
    Pattern,
    Period,
    Query,
    Range,
    SearchSyntaxError,
    Wild,
)

_INTEGER = re.compile(r"[+-]?\d{1,10}")
_INT32 = 2**31
_DATE = re.compile(
    r"(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2})"
    r"(?:[T ](?P<hour>\d{2})(?::(?P<minute>\d{2})"
    r"(?::(?P<second>\d{2})(?:\.(?P<fraction>\d{1,9}))?)?)?"
    r"(?P<zone>Z|[+-]\d{2}:?\d{2})?)?)?)?"
)
MIN_SUFFIX_LITERALS = 3
"""Auth0: a wildcard that does not follow a literal prefix needs 3 literal characters."""


def term(schema: Schema, field: str, pattern: Pattern) -> Query:
    """``field:value`` where ``pattern`` holds the value's literal chunks and wildcards."""
    kind = schema.kind_of(field)
    if all(part is Wild.ANY for part in pattern):
        return Exists(field)  # "field:*" matches any value, as in Lucene
    if Wild.ONE in pattern and not schema.single_wildcard:
        raise SearchSyntaxError("the ? wildcard is not supported; escape it (\\?) to match a '?'")
    if any(isinstance(part, Wild) for part in pattern):
        return _wildcard(field, kind, pattern)
    return Equals(field, _value(field, kind, "".join(str(part) for part in pattern)))


def _wildcard(field: str, kind: Kind, pattern: Pattern) -> Like:
    if kind is Kind.METADATA:
        raise SearchSyntaxError("wildcards are not supported on metadata fields")
    if kind not in (Kind.TEXT, Kind.FOLDED):
        raise SearchSyntaxError(f"wildcards are not supported on {field} ({kind.value} field)")
    literals = sum(len(part) for part in pattern if isinstance(part, str))
    if isinstance(pattern[0], Wild) and literals < MIN_SUFFIX_LITERALS:
        raise SearchSyntaxError(
            f"a wildcard at the start of a value needs at least {MIN_SUFFIX_LITERALS} literal "
            "characters after it (name:*usa is allowed, name:*sa is not)"
        )
    merged: list[str | Wild] = []
    for part in pattern:
        if not (part is Wild.ANY and merged and merged[-1] is Wild.ANY):
            merged.append(part)
    return Like(field, tuple(merged))


def _value(field: str, kind: Kind, text: str) -> str | int | bool | Period:
    if kind is Kind.BOOLEAN:
        if text not in ("true", "false"):
            raise SearchSyntaxError(f"{field} takes true or false, not '{text}'")
        return text == "true"
    if kind is Kind.INTEGER:
        return _integer(field, text)
    if kind is Kind.DATE:
        return period(field, text)
    return text


def _integer(field: str, text: str) -> int:
    if not _INTEGER.fullmatch(text) or not -_INT32 <= int(text) < _INT32:
        raise SearchSyntaxError(f"{field} takes a whole number (32-bit), not '{text}'")
    return int(text)


def bounds(
    schema: Schema,
    field: str,
    lower: str | None,
    upper: str | None,
    *,
    lower_inclusive: bool,
    upper_inclusive: bool,
) -> Query:
    """``field:[lower TO upper]`` (``{``/``}`` exclusive; ``None`` for ``*``).

    A partial date is its whole period: ``[* TO 2017-12]`` includes all of December and
    ``{2017-12 TO *]`` starts in January 2018.
    """
    kind = schema.kind_of(field)
    if kind is Kind.METADATA:
        raise SearchSyntaxError("range queries are not supported on metadata fields")
    if kind not in RANGED:
        ranged = ", ".join(schema.ranged)
        raise SearchSyntaxError(f"range queries are supported on {ranged} only, not on {field}")
    if lower is None and upper is None:
        return Exists(field)
    if kind is Kind.INTEGER:
        low = None if lower is None else Bound(_integer(field, lower), lower_inclusive)
        high = None if upper is None else Bound(_integer(field, upper), upper_inclusive)
        return Range(field, low, high)
    low = high = None
    if lower is not None:
        start = period(field, lower)
        low = Bound(start.start if lower_inclusive else start.end, True)
    if upper is not None:
        end = period(field, upper)
        high = Bound(end.end if upper_inclusive else end.start, False)
    return Range(field, low, high)


def exists(schema: Schema, field: str) -> Exists:
    schema.kind_of(field)
    return Exists(field)


def period(field: str, text: str) -> Period:
    """An ISO 8601 date or date-time, possibly partial (``2018``, ``2018-01``,
    ``2018-01-15T10:30``); without a zone it is UTC."""
    match = _DATE.fullmatch(text)
    if match is None:
        raise SearchSyntaxError(
            f"{field} takes an ISO 8601 date such as 2018-01-15 or 2018-01-15T10:30:00Z, "
            f"not '{text}'"
        )
    parts = match.groupdict()
    try:
        start = datetime(
            int(parts["year"]),
            int(parts["month"] or 1),
            int(parts["day"] or 1),
            int(parts["hour"] or 0),
            int(parts["minute"] or 0),
            int(parts["second"] or 0),
            int((parts["fraction"] or "0")[:6].ljust(6, "0")),
            tzinfo=_zone(parts["zone"]),
        )
        return Period(start.astimezone(UTC), _period_end(start, parts).astimezone(UTC))
    except (ValueError, OverflowError) as exc:
        raise SearchSyntaxError(f"{field}: '{text}' is not a valid date ({exc})") from exc


def _zone(text: str | None) -> timezone:
    if text is None or text == "Z":
        return UTC
    digits = text[1:].replace(":", "")
    offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    if offset >= timedelta(hours=24):
        raise ValueError("UTC offset out of range")
    return timezone(-offset if text[0] == "-" else offset)


def _period_end(start: datetime, parts: dict[str, str | None]) -> datetime:
    if parts["month"] is None:
        return start.replace(year=start.year + 1)
    if parts["day"] is None:
        return start.replace(year=start.year + start.month // 12, month=start.month % 12 + 1)
    if parts["fraction"] is not None:
        return start + timedelta(microseconds=10 ** max(0, 6 - len(parts["fraction"])))
    for unit in ("second", "minute", "hour"):
        if parts[unit] is not None:
            return start + timedelta(**{f"{unit}s": 1})
    return start + timedelta(days=1)
