"""Interpreting scalar text as typed values (spec: Scalar Interpretation).

Styx scalars are opaque text; a value becomes an integer, a float, a duration
and so on only when a schema or a target type asks for one (`interp[...]`).
The functions here do that interpretation and nothing else: they take the
scalar's text, return a Python value, and raise `ScalarError` saying what was
expected, why the text is not that, how to fix it, and which characters are
to blame. They know nothing of documents or files, so the validator and the
typed loader can each turn an error into a `Diagnostic` with the scalar's own
span (`interp[interp.error.context]`: the caller adds the location).

Decisions where the spec leaves room, each with the reason:

* Underscores sit between two digits of the same run, and nowhere else: not
  first or last, not doubled, not next to a sign, `.`, exponent or radix
  prefix (`0x_ff` is an error), since every `interp.*` rule says "between
  digits".
* A sign is allowed on decimal integers only. `interp.int.decimal` gives the
  sign; the hex, octal and binary rules say the integer "starts with `0x`"
  (`0o`, `0b`). Accepting `-0xff` would make documents that other
  implementations reject; the error suggests the decimal spelling instead.
* `parse_float` also accepts integer-looking text (`8080`). The "at least one
  of fraction or exponent" sentence of `interp.float.syntax` exists to tell
  the two apart when nothing else does; when the target type is a float it
  decides (`interp.coerce.none`), and `schema.constraints.float.syntax`
  makes fraction and exponent optional too. Text that overflows a double
  (`1e999`) is an error even with ``special=True``: write `inf` to mean it.
* Duration numbers are decimal (digits, optional fraction and exponent, with
  underscores) and carry no sign: `interp.duration.syntax` asks for a
  non-negative number, and a hex number would be ambiguous with the `d` unit.
* Sub-microsecond digits are dropped (truncated toward zero) in durations and
  in timestamps, since `timedelta` and `datetime` stop at microseconds.
  Truncation never carries into the next second (or day, or year 10000) and
  matches `datetime.fromisoformat`; the sum of a duration is computed exactly
  before it is truncated once.
* Timestamps follow RFC 3339, which lets `T` and `Z` be lowercase. A leap
  second (`:60`) and year `0000` are errors: Python cannot represent them.
  `-00:00` ("offset unknown") becomes UTC.
* Base64 padding may be omitted (URL-safe data usually has none) but must be
  right when present; the standard (`+/`) and URL-safe (`-_`) alphabets may
  not be mixed in one value, and whitespace is not allowed.
"""

from __future__ import annotations

import base64
import calendar
import re
import sys
from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from decimal import Context, Decimal

__all__ = [
    "ScalarError",
    "ScalarRangeError",
    "is_json_number",
    "parse_bool",
    "parse_bytes",
    "parse_date",
    "parse_datetime",
    "parse_duration",
    "parse_float",
    "parse_int",
    "parse_json_number",
]

_SHOWN_MAX = 40


class ScalarError(ValueError):
    """A scalar's text is not a value of the requested type.

    `offset` and `length` count characters of `text` (use `byte_offset` and
    `byte_length` for spans, which are in UTF-8 bytes); they point at the
    offending part, such as the month of ``2026-13-01``, or the whole text
    when no part is more to blame than the rest.
    """

    def __init__(
        self,
        text: str,
        expected: str,
        reason: str,
        *,
        hint: str | None = None,
        offset: int = 0,
        length: int | None = None,
    ) -> None:
        #: The scalar's text, as interpreted.
        self.text = text
        #: What the text should have been, such as ``"integer"``.
        self.expected = expected
        #: Why it is not, in one sentence (a diagnostic's label).
        self.reason = reason
        #: A concrete fix (a diagnostic's help), when there is one.
        self.hint = hint
        self.offset = offset
        self.length = len(text) - offset if length is None else length
        super().__init__(self.message)

    @property
    def title(self) -> str:
        """A headline such as ``invalid duration`` (a diagnostic's message)."""
        return f"invalid {self.expected}"

    @property
    def message(self) -> str:
        """The whole story without a location: title, the text and the reason."""
        return f"{self.title} `{_shown(self.text)}`: {self.reason}"

    @property
    def byte_offset(self) -> int:
        return len(self.text[: self.offset].encode("utf-8"))

    @property
    def byte_length(self) -> int:
        return len(self.text[self.offset : self.offset + self.length].encode("utf-8"))


class ScalarRangeError(ScalarError):
    """The text is a well-formed value, but outside the allowed range.

    Schema validation reports this as a constraint violation rather than a
    type mismatch (`schema[schema.validation.errors]`), so it is its own class.
    """

    @property
    def title(self) -> str:
        return f"{self.expected} out of range"


def _shown(text: str) -> str:
    """The text for a one-line message: a prefix if long, controls escaped."""
    if len(text) > _SHOWN_MAX:
        text = text[: _SHOWN_MAX - 1] + "…"
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


def _describe(char: str) -> str:
    """A character as a message shows it: `x`, or U+0020 for invisible ones."""
    if char.isprintable() and not char.isspace():
        return f"`{char}`"
    return f"U+{ord(char):04X}"


class _Scan:
    """The text being interpreted and the type it should become.

    It builds the errors, so that every error of one interpretation names
    the same type and falls back on the same hint.
    """

    __slots__ = ("expected", "hint", "text")

    def __init__(self, text: str, expected: str, hint: str) -> None:
        self.text = text
        self.expected = expected
        self.hint = hint

    def error(
        self, reason: str, offset: int = 0, length: int | None = None, *, hint: str | None = None
    ) -> ScalarError:
        return ScalarError(
            self.text,
            self.expected,
            reason,
            hint=hint or self.hint,
            offset=offset,
            length=length,
        )

    def error_at(self, pos: int, reason: str, *, hint: str | None = None) -> ScalarError:
        """An error about the character at `pos`, or the whole text past its end."""
        if pos < len(self.text):
            return self.error(reason, pos, 1, hint=hint)
        return self.error(reason, hint=hint)

    def digit_run(self, start: int, digits: frozenset[str], missing: str) -> int:
        """The end of the run of `digits` at `start`, single `_` allowed between two.

        Raises `missing` when the run has no digit at all, and points at a
        misplaced underscore rather than at the end of the run.
        """
        text = self.text
        pos = start
        while pos < len(text):
            char = text[pos]
            if char == "_":
                if not (pos > start and pos + 1 < len(text) and text[pos + 1] in digits):
                    raise self.error(
                        "`_` must sit between two digits",
                        pos,
                        1,
                        hint="underscores only separate digits, as in 1_000_000",
                    )
            elif char not in digits:
                break
            pos += 1
        if pos == start:
            raise self.error_at(start, missing)
        return pos


_DEC = frozenset("0123456789")
_HEX = frozenset("0123456789abcdefABCDEF")
_RADIXES: Mapping[str, tuple[int, frozenset[str], str]] = {
    "0x": (16, _HEX, "a hex digit"),
    "0o": (8, frozenset("01234567"), "an octal digit"),
    "0b": (2, frozenset("01"), "a binary digit"),
}
_DECIMAL_RADIX = (10, _DEC, "a decimal digit")

# ---------------------------------------------------------------- booleans

_BOOL_SYNONYMS = {
    **dict.fromkeys(("yes", "y", "on", "1", "enabled", "enable"), "true"),
    **dict.fromkeys(("no", "n", "off", "0", "disabled", "disable"), "false"),
}


def parse_bool(text: str) -> bool:
    """`true` or `false`, exactly (`interp[interp.bool.*]`)."""
    if text == "true":
        return True
    if text == "false":
        return False
    raise ScalarError(text, "boolean", "expected `true` or `false`", hint=_bool_hint(text))


def _bool_hint(text: str) -> str | None:
    """What the writer probably meant: other spellings of a boolean."""
    word = text.strip()
    if word in ("true", "false"):
        return f"remove the whitespace: write `{word}`"
    if word.lower() in ("true", "false"):
        return f"booleans are case-sensitive: write `{word.lower()}`"
    meant = _BOOL_SYNONYMS.get(word.lower())
    return f"write `{meant}`" if meant else None


# ---------------------------------------------------------------- integers

_INT_HINT = (
    "write a decimal integer such as 8080 or 1_000_000, or hex 0xff, octal 0o755 or binary 0b1010"
)


def parse_int(text: str, *, minimum: int | None = None, maximum: int | None = None) -> int:
    """A decimal, `0x` hex, `0o` octal or `0b` binary integer (`interp[interp.int.*]`).

    `minimum` and `maximum` are inclusive bounds, such as a target type's
    range; a value outside them raises `ScalarRangeError` naming the range
    (`interp[interp.int.range]`).
    """
    scan = _Scan(text, "integer", _INT_HINT)
    value = _int_value(scan)
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise ScalarRangeError(text, "integer", _range_reason(minimum, maximum))
    return value


def _int_value(scan: _Scan) -> int:
    text = scan.text
    signed = text[:1] in ("+", "-")
    start = int(signed)
    _require_number(scan, start, "_")
    prefix = text[start : start + 2]
    base, digits, name = _RADIXES.get(prefix.lower(), _DECIMAL_RADIX)
    if base != 10:
        start += 2
    end = scan.digit_run(start, digits, f"expected {name} after `{prefix}`")
    if end < len(text):
        raise _int_tail_error(scan, end, name)
    value = _to_int(scan, text[start:end].replace("_", ""), base)
    if text[0] == "-":
        value = -value
    if signed and base != 10:
        raise scan.error(
            "only decimal integers can have a sign", 0, 1, hint=f"write it in decimal: {value}"
        )
    return value


def _require_number(scan: _Scan, start: int, also: str) -> None:
    """Refuse text that is no number at all as a whole, not at its first letter.

    Past an optional sign a number starts with a digit; characters in `also`
    pass too, so that the digit scanner can explain them precisely.
    """
    text = scan.text
    if start >= len(text) or not (text[start] in _DEC or text[start] in also):
        raise scan.error("the text is empty" if not text else "not a number")


def _int_tail_error(scan: _Scan, end: int, digit_name: str) -> ScalarError:
    """Why the integer stops at `end`: a fraction, or a character that is no digit."""
    text = scan.text
    try:
        as_float = parse_float(text)
    except ScalarError:
        return scan.error(f"{_describe(text[end])} is not {digit_name}", end, 1)
    hint = f"write {int(as_float)}" if as_float.is_integer() and abs(as_float) < 2**53 else None
    return scan.error("an integer cannot have a fraction or exponent", end, hint=hint)


def _to_int(scan: _Scan, digits: str, base: int) -> int:
    """`int()`, which refuses decimals longer than `sys.get_int_max_str_digits()`."""
    try:
        return int(digits.lstrip("0") or "0", base)
    except ValueError:
        limit = sys.get_int_max_str_digits()
        raise scan.error(
            f"an integer can have at most {limit} decimal digits",
            hint="write it in hex, which has no length limit",
        ) from None


def _range_reason(minimum: int | None, maximum: int | None) -> str:
    if minimum is not None and maximum is not None:
        return f"must be between {minimum} and {maximum}"
    if minimum is not None:
        return f"must be at least {minimum}"
    return f"must be at most {maximum}"


# ---------------------------------------------------------------- floats

_FLOAT_HINT = "write a number such as 3.14, -0.5, 6.022e23 or 1_000.5"
_SPECIAL_FLOATS: Mapping[str, float] = {
    "inf": float("inf"),
    "+inf": float("inf"),
    "-inf": float("-inf"),
    "nan": float("nan"),
}


def parse_float(text: str, *, special: bool = False) -> float:
    """A decimal floating-point number (`interp[interp.float.syntax]`).

    Integers such as ``8080`` are floats too (see the module notes). With
    ``special=True``, as when loading into a Python `float`, `inf`, `+inf`,
    `-inf` and `nan` are accepted (`interp[interp.float.special]`).
    """
    scan = _Scan(text, "float", _FLOAT_HINT)
    if special and text in _SPECIAL_FLOATS:
        return _SPECIAL_FLOATS[text]
    _reject_special_words(scan, special)
    _require_number(scan, int(text[:1] in ("+", "-")), "._")
    end = _float_syntax(scan, 0, signed=True)
    if end < len(text):
        raise scan.error(f"unexpected {_describe(text[end])} after the number", end)
    return _finite(scan, text.replace("_", ""))


def _reject_special_words(scan: _Scan, special: bool) -> None:
    """Explain infinities and NaN that are not allowed, or misspelled."""
    word = scan.text.lstrip("+-").lower()
    if word not in ("inf", "infinity", "nan"):
        return
    if special:
        raise scan.error(
            "not a special float value",
            hint="special values are case-sensitive: write inf, +inf, -inf or nan",
        )
    raise scan.error("infinity and NaN are not allowed here; the number must be finite")


def _float_syntax(scan: _Scan, start: int, *, signed: bool) -> int:
    """The end of the number at `start`: digits, then optional fraction and exponent."""
    text = scan.text
    pos = start
    if signed and pos < len(text) and text[pos] in "+-":
        pos += 1
    if pos < len(text) and text[pos] == ".":
        raise scan.error(
            "a digit must come before `.`", pos, 1, hint=f"write {text[:pos]}0{text[pos:]}"
        )
    pos = scan.digit_run(pos, _DEC, "expected a number")
    if pos < len(text) and text[pos] == ".":
        pos = scan.digit_run(pos + 1, _DEC, "expected digits after `.`")
    if pos < len(text) and text[pos] in "eE":
        pos += 1
        if pos < len(text) and text[pos] in "+-":
            pos += 1
        pos = scan.digit_run(pos, _DEC, "expected digits in the exponent")
    return pos


def _finite(scan: _Scan, literal: str) -> float:
    """`float(literal)` for checked syntax, refusing what overflows to infinity."""
    value = float(literal)
    if value in (float("inf"), float("-inf")):
        raise scan.error(
            "too large for a 64-bit float (the largest is about 1.8e308)",
            hint="write inf or -inf if infinity is meant and allowed",
        )
    return value


_JSON_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_JSON_HINT = "write a JSON number such as 3.14, -273.15, 6.022e23, 1E-10 or 0"


def is_json_number(text: str) -> bool:
    """Whether `text` has JSON number syntax (`schema[schema.constraints.float.syntax]`).

    Only syntax: ``1e999`` is a JSON number, though `parse_json_number`
    refuses it because no float holds it.
    """
    return _JSON_NUMBER.fullmatch(text) is not None


def parse_json_number(text: str) -> float:
    """A finite float written in JSON number syntax, for schema values and `@float`.

    Stricter than `parse_float`: no `+`, no leading zeros, no underscores,
    digits on both sides of `.`, and never NaN or Infinity.
    """
    scan = _Scan(text, "float", _JSON_HINT)
    if is_json_number(text):
        return _finite(scan, text)
    raise _json_number_error(scan)


def _json_number_error(scan: _Scan) -> ScalarError:
    """The first way in which the text departs from JSON number syntax."""
    text = scan.text
    if text.lstrip("+-").lower() in ("inf", "infinity", "nan"):
        return scan.error("NaN and Infinity are not JSON numbers; the number must be finite")
    underscore = text.find("_")
    if underscore >= 0:
        return scan.error(
            "JSON numbers have no underscores",
            underscore,
            1,
            hint=_json_fix(text.replace("_", "")),
        )
    if text.startswith("+"):
        return scan.error("a JSON number cannot start with `+`", 0, 1, hint=_json_fix(text[1:]))
    zeros = re.match(r"-?(0+)[0-9]", text)
    if zeros:
        start, end = zeros.span(1)
        fixed = text[:start] + text[end:]
        return scan.error(
            "JSON numbers have no leading zeros", start, end - start, hint=_json_fix(fixed)
        )
    return scan.error("not a JSON number")


def _json_fix(candidate: str) -> str | None:
    """A "write ..." hint, if the candidate repair is a JSON number."""
    return f"write {candidate}" if is_json_number(candidate) else None


# ---------------------------------------------------------------- durations

_NS_PER_UNIT: Mapping[str, int] = {
    "ns": 1,
    "us": 1_000,
    "µs": 1_000,
    "ms": 1_000_000,
    "s": 1_000_000_000,
    "m": 60_000_000_000,
    "h": 3_600_000_000_000,
    "d": 86_400_000_000_000,
}
_UNIT_NAMES = {
    "ns": "nanoseconds",
    "us": "microseconds",
    "µs": "microseconds",
    "ms": "milliseconds",
    "s": "seconds",
    "m": "minutes",
    "h": "hours",
    "d": "days",
}
_UNIT_SPELLINGS = {
    **dict.fromkeys(("nsec", "nanos", "nanosecond", "nanoseconds"), "ns"),
    **dict.fromkeys(("usec", "micros", "microsecond", "microseconds"), "us"),
    **dict.fromkeys(("msec", "millis", "millisecond", "milliseconds"), "ms"),
    **dict.fromkeys(("sec", "secs", "second", "seconds"), "s"),
    **dict.fromkeys(("min", "mins", "minute", "minutes"), "m"),
    **dict.fromkeys(("hr", "hrs", "hour", "hours"), "h"),
    **dict.fromkeys(("day", "days"), "d"),
}
_UNITS_LIST = "ns, us, µs, ms, s, m, h, d"
_DURATION_HINT = f"valid formats: 30s, 10ms, 2h, 500us, 1h30m, 1.5s; valid units: {_UNITS_LIST}"
# Decimal arithmetic of its own, independent of the caller's thread context: 80
# significant digits hold any number that passes `_MAX_MAGNITUDE` to far below a
# nanosecond, so sums are exact where it matters. Without traps, conversion turns
# absurd exponents into 0 or Infinity instead of raising.
_EXACT = Context(prec=80, Emin=-999_999, Emax=999_999, traps=[])
_MAX_MAGNITUDE = 30  # a pair of 10**30 of any unit is already far beyond timedelta.max
_MAX_MICROSECONDS = timedelta.max // timedelta(microseconds=1)


def parse_duration(text: str) -> timedelta:
    """A duration such as ``1h30m`` (`interp[interp.duration.*]`).

    `<number><unit>` pairs in any order, repeated units allowed, all summed
    exactly; digits below a microsecond are then dropped.
    """
    scan = _Scan(text, "duration", _DURATION_HINT)
    if not text:
        raise scan.error("the text is empty")
    _reject_whitespace(scan)
    total_ns = Decimal(0)
    pos = 0
    while pos < len(text):
        number, unit_start = _duration_number(scan, pos)
        unit, pos = _duration_unit(scan, pos, unit_start)
        total_ns = _EXACT.add(total_ns, _EXACT.multiply(number, _NS_PER_UNIT[unit]))
    microseconds = int(total_ns) // 1000
    if microseconds > _MAX_MICROSECONDS:
        raise scan.error(
            f"longer than the longest duration Python holds ({timedelta.max.days} days)"
        )
    return timedelta(microseconds=microseconds)


def _reject_whitespace(scan: _Scan) -> None:
    text = scan.text
    match = re.search(r"\s+", text)
    if match is None:
        return
    joined = "".join(text.split())
    hint = None
    try:
        parse_duration(joined)
        hint = f"write {joined}"
    except ScalarError:
        pass
    raise scan.error(
        "whitespace is not allowed in a duration",
        match.start(),
        match.end() - match.start(),
        hint=hint,
    )


def _duration_number(scan: _Scan, start: int) -> tuple[Decimal, int]:
    """The number of the pair at `start`, and where its unit begins."""
    text = scan.text
    char = text[start]
    if char in "+-":
        reason = "a duration cannot be negative" if char == "-" else "a duration number has no sign"
        raise scan.error(reason, start, 1)
    if char.isalpha():
        unit_end = _unit_end(text, start)
        raise scan.error(
            f"expected a number before `{text[start:unit_end]}`", start, unit_end - start
        )
    if char not in _DEC and char not in "._":
        raise scan.error(f"expected a number, found {_describe(char)}", start, 1)
    end = _float_syntax(scan, start, signed=False)
    number = _EXACT.create_decimal(text[start:end].replace("_", ""))
    if number.is_infinite() or (number and number.adjusted() > _MAX_MAGNITUDE):
        raise scan.error("this number is too large for a duration", start, end - start)
    return number, end


def _unit_end(text: str, start: int) -> int:
    """The end of the run of letters at `start`: a unit, or what stands for one."""
    end = start
    while end < len(text) and text[end].isalpha():
        end += 1
    return end


def _duration_unit(scan: _Scan, number_start: int, start: int) -> tuple[str, int]:
    """The unit at `start` that follows the number at `number_start`, and its end."""
    text = scan.text
    if start == len(text):
        number = text[number_start:start]
        raise scan.error(
            f"expected a unit after `{number}`",
            number_start,
            start - number_start,
            hint=f"add a unit, as in {number}s or {number}ms; valid units: {_UNITS_LIST}",
        )
    end = _unit_end(text, start)
    if end == start:
        raise scan.error(f"unexpected {_describe(text[start])} after a number", start, 1)
    unit = text[start:end]
    if unit not in _NS_PER_UNIT:
        raise scan.error(
            f"`{unit}` is not a duration unit", start, end - start, hint=_unit_hint(unit)
        )
    return unit, end


def _unit_hint(unit: str) -> str | None:
    """The unit the writer probably meant, and the list of valid ones."""
    if unit == "\u03bcs":
        return "that is the Greek letter mu; write `us` or `µs` (the micro sign, U+00B5)"
    meant = _UNIT_SPELLINGS.get(unit.lower(), unit.lower())
    if meant in _NS_PER_UNIT:
        return f"did you mean `{meant}` ({_UNIT_NAMES[meant]})? valid units: {_UNITS_LIST}"
    return None


# ---------------------------------------------------------------- dates and times

_DATE_HINT = "expected RFC 3339 date format: YYYY-MM-DD"
_TIMESTAMP_HINT = (
    "expected RFC 3339 format: YYYY-MM-DDTHH:MM:SS, optionally with a fraction "
    "(.123) and Z or ±HH:MM"
)
_WIDTH_WORDS = {2: "two", 4: "four"}
_OFFSET_SHAPE = re.compile(r"[+-][0-9]{2}:[0-9]{2}")


class _Fields:
    """Reads the fixed-width fields of an RFC 3339 date or time, left to right."""

    __slots__ = ("pos", "scan")

    def __init__(self, scan: _Scan) -> None:
        self.scan = scan
        self.pos = 0

    @property
    def rest(self) -> str:
        return self.scan.text[self.pos :]

    def number(self, width: int, name: str, low: int, high: int) -> int:
        """A field of exactly `width` digits with a value from `low` to `high`."""
        text, start = self.scan.text, self.pos
        end = start
        while end < len(text) and text[end] in _DEC:
            end += 1
        if end == start:
            raise self.scan.error_at(start, f"expected the {name}")
        if end - start != width:
            raise self.scan.error(
                f"{name} must be {_WIDTH_WORDS[width]} digits", start, end - start
            )
        value = int(text[start:end])
        if not low <= value <= high:
            raise self.scan.error(f"{name} must be {low:0{width}d}-{high:0{width}d}", start, width)
        self.pos = end
        return value

    def separator(self, chars: str, between: str) -> None:
        """One of `chars`, which sits between two fields."""
        text = self.scan.text
        if self.pos < len(text) and text[self.pos] in chars:
            self.pos += 1
            return
        raise self.scan.error_at(self.pos, f"expected `{chars[0]}` between {between}")


def parse_date(text: str) -> date:
    """A calendar date, ``YYYY-MM-DD`` (`interp[interp.datetime.iso8601]`)."""
    fields = _Fields(_Scan(text, "date", _DATE_HINT))
    day = _read_date(fields)
    if fields.rest:
        at = fields.pos
        if text[at] in "Tt ":
            raise fields.scan.error("a date has no time part", at, hint=f"write {text[:at]}")
        raise fields.scan.error(f"unexpected {_describe(text[at])} after the date", at)
    return day


def parse_datetime(text: str, *, allow_space: bool = False) -> datetime:
    """An RFC 3339 timestamp (`interp[interp.datetime.*]`).

    Without an offset the result is naive (a local datetime); with `Z` or
    ``±HH:MM`` it is aware. `allow_space` lets a space replace `T`, which the
    spec allows only when the scalar is quoted: the caller knows whether it is.
    """
    fields = _Fields(_Scan(text, "timestamp", _TIMESTAMP_HINT))
    day = _read_date(fields)
    _read_date_time_separator(fields, allow_space)
    clock = _read_time(fields)
    zone = _read_offset(fields)
    return datetime.combine(day, clock, zone)


def _read_date(fields: _Fields) -> date:
    year = fields.number(4, "year", 1, 9999)
    fields.separator("-", "year and month")
    month = fields.number(2, "month", 1, 12)
    fields.separator("-", "month and day")
    day_start = fields.pos
    day = fields.number(2, "day", 1, 31)
    last = calendar.monthrange(year, month)[1]
    if day > last:
        raise fields.scan.error(f"day must be 01-{last} in {year:04d}-{month:02d}", day_start, 2)
    return date(year, month, day)


def _read_date_time_separator(fields: _Fields, allow_space: bool) -> None:
    text, at = fields.scan.text, fields.pos
    if at == len(text):
        raise fields.scan.error("the time is missing", hint=f"add a time, as in {text}T00:00:00Z")
    if text[at] == " " and not allow_space:
        raise fields.scan.error(
            "a space may replace `T` only in a quoted scalar",
            at,
            1,
            hint=f'write {text[:at]}T{text[at + 1 :]}, or quote it: "{text}"',
        )
    fields.separator("Tt " if allow_space else "Tt", "date and time")


def _read_time(fields: _Fields) -> time:
    hour = fields.number(2, "hour", 0, 23)
    fields.separator(":", "hour and minute")
    minute = fields.number(2, "minute", 0, 59)
    fields.separator(":", "minute and second")
    second_start = fields.pos
    second = fields.number(2, "second", 0, 60)
    if second == 60:
        raise fields.scan.error(
            "leap seconds cannot be represented; second must be 00-59", second_start, 2
        )
    return time(hour, minute, second, _read_fraction(fields))


def _read_fraction(fields: _Fields) -> int:
    """Microseconds from an optional ``.digits``; digits past the sixth are dropped."""
    text = fields.scan.text
    if not fields.rest.startswith("."):
        return 0
    start = end = fields.pos + 1
    while end < len(text) and text[end] in _DEC:
        end += 1
    if end == start:
        raise fields.scan.error_at(start, "expected digits after `.`")
    if end - start > 9:
        raise fields.scan.error(
            "fractional seconds have at most nine digits (nanoseconds)",
            start + 9,
            end - start - 9,
        )
    fields.pos = end
    return int(text[start:end][:6].ljust(6, "0"))


def _read_offset(fields: _Fields) -> tzinfo | None:
    """Nothing (a local time), `Z` or ``±HH:MM``, which must end the text."""
    rest, at = fields.rest, fields.pos
    if not rest:
        return None
    if rest[0] in "Zz":
        fields.pos += 1
        _expect_end(fields, "offset")
        return UTC
    if rest[0] not in "+-":
        raise fields.scan.error(f"unexpected {_describe(rest[0])} after the time", at)
    if not _OFFSET_SHAPE.match(rest):
        raise fields.scan.error("the offset must be Z or ±HH:MM", at)
    fields.pos += 1
    hours = fields.number(2, "offset hour", 0, 23)
    fields.pos += 1
    minutes = fields.number(2, "offset minute", 0, 59)
    _expect_end(fields, "offset")
    delta = timedelta(hours=hours, minutes=minutes)
    if not delta:
        return UTC
    return timezone(-delta if rest[0] == "-" else delta)


def _expect_end(fields: _Fields, after: str) -> None:
    rest = fields.rest
    if rest:
        raise fields.scan.error(f"unexpected {_describe(rest[0])} after the {after}", fields.pos)


# ---------------------------------------------------------------- bytes

_BYTES_HINT = "write bytes as pairs of hex digits, as in deadbeef or 00_11_22, or as base64:SGk="
_BASE64_PREFIX = "base64:"
_BASE64_HINT = "write base64 with A-Z, a-z, 0-9 and + / (or - _), padded with =, as in base64:SGk="
_BASE64_STANDARD = frozenset("+/")
_BASE64_URL_SAFE = frozenset("-_")
_BASE64_COMMON = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")


def parse_bytes(text: str) -> bytes:
    """Hex pairs, or ``base64:`` and base64 data (`interp[interp.bytes.*]`)."""
    if text.startswith(_BASE64_PREFIX):
        return _base64_bytes(_Scan(text, "bytes", _BASE64_HINT))
    scan = _Scan(text, "bytes", _BYTES_HINT)
    if text[: len(_BASE64_PREFIX)].lower() == _BASE64_PREFIX:
        raise scan.error(
            "the `base64:` prefix is case-sensitive",
            0,
            len(_BASE64_PREFIX),
            hint=f"write {_BASE64_PREFIX}{text[len(_BASE64_PREFIX) :]}",
        )
    return _hex_bytes(scan)


def _hex_bytes(scan: _Scan) -> bytes:
    text = scan.text
    if text[:2] in ("0x", "0X") and len(text) > 2:
        raise scan.error("hex bytes have no `0x` prefix", 0, 2, hint=f"write {text[2:]}")
    pos = 0
    while pos < len(text):
        _hex_pair(scan, pos)
        pos += 2
        if pos < len(text) and text[pos] == "_":
            pos += 1
            if pos == len(text):
                raise scan.error("`_` must sit between two bytes", pos - 1, 1)
    return bytes.fromhex(text.replace("_", ""))


def _hex_pair(scan: _Scan, pos: int) -> None:
    """Check the two hex digits of one byte at `pos`."""
    text = scan.text
    if text[pos] == "_":
        raise scan.error("`_` must sit between two bytes", pos, 1)
    for at in (pos, pos + 1):
        if at == len(text) or (at > pos and text[at] == "_"):
            raise scan.error(f"`{text[pos]}` is half a byte: each byte is two hex digits", pos, 1)
        if text[at] not in _HEX:
            raise scan.error(f"{_describe(text[at])} is not a hex digit", at, 1)


def _base64_bytes(scan: _Scan) -> bytes:
    start = len(_BASE64_PREFIX)
    payload = scan.text[start:]
    body = payload.rstrip("=")
    _check_base64_alphabet(scan, start, body)
    missing = -len(body) % 4
    if missing == 3:
        raise scan.error(
            "a final base64 character on its own encodes no byte", start + len(body) - 1, 1
        )
    padding = len(payload) - len(body)
    if padding not in (0, missing):
        raise scan.error(
            f"expected {missing} `=` of padding, found {padding}"
            if missing
            else "no `=` padding belongs here",
            start + len(body),
            hint=f"write {_BASE64_PREFIX}{body}{'=' * missing}",
        )
    standard = body.replace("-", "+").replace("_", "/")
    return base64.b64decode(standard + "=" * missing, validate=True)


def _check_base64_alphabet(scan: _Scan, start: int, body: str) -> None:
    """Every character is base64, and the two alphabets are not mixed."""
    alphabet: frozenset[str] | None = None
    for index, char in enumerate(body):
        at = start + index
        if char == "=":
            raise scan.error("`=` padding may only come at the end", at, 1)
        if char in _BASE64_STANDARD or char in _BASE64_URL_SAFE:
            own = _BASE64_STANDARD if char in _BASE64_STANDARD else _BASE64_URL_SAFE
            if alphabet not in (None, own):
                raise scan.error(
                    "mixes the standard (+ /) and URL-safe (- _) base64 alphabets", at, 1
                )
            alphabet = own
        elif char not in _BASE64_COMMON:
            raise scan.error(f"{_describe(char)} is not a base64 character", at, 1)
