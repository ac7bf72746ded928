"""Scalar interpretation, rule by rule (spec: Scalar Interpretation).

Each rule gets the spec's own examples, more valid and invalid ones, and for
errors the exact characters the error points at (`marked`), since callers
turn `offset`/`length` into the caret span users see. Property tests then
format random values the way other tools write them and read them back.
"""

from __future__ import annotations

import base64
import json
import math
import string
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from styx.schema.scalars import (
    ScalarError,
    ScalarRangeError,
    is_json_number,
    parse_bool,
    parse_bytes,
    parse_date,
    parse_datetime,
    parse_duration,
    parse_float,
    parse_int,
    parse_json_number,
)


def failure(parse: Callable[..., object], text: str, **options: Any) -> ScalarError:
    with pytest.raises(ScalarError) as caught:
        parse(text, **options)
    return caught.value


def marked(error: ScalarError) -> str:
    """The part of the text the error points at."""
    return error.text[error.offset : error.offset + error.length]


# ---------------------------------------------------------------- the error object


def test_error_names_the_scalar_the_type_and_the_reason() -> None:
    """interp[interp.error.context], minus the location the caller adds."""
    error = failure(parse_int, "localhost")
    assert isinstance(error, ValueError)
    assert (error.expected, error.reason) == ("integer", "not a number")
    assert str(error) == error.message == "invalid integer `localhost`: not a number"
    assert error.title == "invalid integer"
    assert error.hint is not None and "0xff" in error.hint
    assert (error.offset, error.length) == (0, 9)


def test_error_shows_a_prefix_of_long_text_and_escapes_controls() -> None:
    error = failure(parse_bool, "x" * 100)
    assert "`" + "x" * 39 + "…`" in error.message
    assert "\\n" in failure(parse_bool, "a\nb").message


def test_error_converts_its_span_to_utf8_bytes() -> None:
    error = failure(parse_duration, "1µs2x")
    assert marked(error) == "x"
    assert (error.offset, error.length) == (4, 1)
    assert (error.byte_offset, error.byte_length) == (5, 1)


def test_range_error_is_a_scalar_error_with_its_own_title() -> None:
    error = failure(parse_int, "300", minimum=0, maximum=255)
    assert isinstance(error, ScalarRangeError)
    assert error.title == "integer out of range"
    assert error.message == "integer out of range `300`: must be between 0 and 255"
    assert error.hint is None


# ---------------------------------------------------------------- booleans


@pytest.mark.parametrize(("text", "value"), [("true", True), ("false", False)])
def test_bool_true_and_false(text: str, value: bool) -> None:
    """interp[interp.bool.true], interp[interp.bool.false]"""
    assert parse_bool(text) is value


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("yes", "write `true`"),
        ("TRUE", "booleans are case-sensitive: write `true`"),
        ("True", "booleans are case-sensitive: write `true`"),
        ("False", "booleans are case-sensitive: write `false`"),
        ("1", "write `true`"),
        ("on", "write `true`"),
        ("0", "write `false`"),
        ("off", "write `false`"),
        ("no", "write `false`"),
        (" true", "remove the whitespace: write `true`"),
        ("maybe", None),
        ("", None),
    ],
)
def test_bool_anything_else_is_an_error(text: str, hint: str | None) -> None:
    """interp[interp.bool.error]"""
    error = failure(parse_bool, text)
    assert error.reason == "expected `true` or `false`"
    assert error.title == "invalid boolean"
    assert error.hint == hint


# ---------------------------------------------------------------- integers


@pytest.mark.parametrize(
    ("text", "value"),
    [
        # the spec's examples
        ("8080", 8080),
        ("-42", -42),
        ("1_000_000", 1_000_000),
        ("0xff5500", 16733440),
        ("0xFF_FF", 65535),
        ("0o755", 493),
        ("0b1010", 10),
        ("0b1111_0000", 240),
        # more
        ("0", 0),
        ("-0", 0),
        ("+7", 7),
        ("007", 7),
        ("0_0", 0),
        ("0X1F", 31),
        ("0O17", 15),
        ("0B11", 3),
        ("0x0", 0),
        ("0xdead_BEEF", 0xDEADBEEF),
        ("1_2_3", 123),
        ("9" * 40, int("9" * 40)),
        ("0" * 5000 + "1", 1),
    ],
)
def test_int_valid(text: str, value: int) -> None:
    """interp[interp.int.decimal], interp[interp.int.hex], .octal, .binary"""
    assert parse_int(text) == value


@pytest.mark.parametrize(
    ("text", "reason", "part"),
    [
        ("", "the text is empty", ""),
        ("localhost", "not a number", "localhost"),
        ("+", "not a number", "+"),
        ("-x", "not a number", "-x"),
        ("x1", "not a number", "x1"),
        ("\u0663", "not a number", "\u0663"),
        ("12a", "`a` is not a decimal digit", "a"),
        ("8080 ", "U+0020 is not a decimal digit", " "),
        ("0xfg", "`g` is not a hex digit", "g"),
        ("0o78", "`8` is not an octal digit", "8"),
        ("0b102", "`2` is not a binary digit", "2"),
        ("0x", "expected a hex digit after `0x`", "0x"),
        ("0Bz", "expected a binary digit after `0B`", "z"),
        ("1.5", "an integer cannot have a fraction or exponent", ".5"),
        ("1e3", "an integer cannot have a fraction or exponent", "e3"),
        ("-0xff", "only decimal integers can have a sign", "-"),
        ("+0b1", "only decimal integers can have a sign", "+"),
        ("++1", "not a number", "++1"),
    ],
)
def test_int_invalid(text: str, reason: str, part: str) -> None:
    error = failure(parse_int, text)
    assert (error.reason, marked(error)) == (reason, part)
    assert error.expected == "integer"


def test_int_hints_are_concrete_where_they_can_be() -> None:
    assert failure(parse_int, "1e3").hint == "write 1000"
    assert failure(parse_int, "-0xff").hint == "write it in decimal: -255"
    assert failure(parse_int, "1.5").hint == failure(parse_int, "abc").hint


@pytest.mark.parametrize(
    ("text", "at"),
    [
        ("_1", 0),
        ("1_", 1),
        ("1__0", 1),
        ("-_1", 1),
        ("0x_ff", 2),  # not right after the prefix: `x` is no digit
        ("0xff_", 4),
        ("0b1_1__0", 5),
        ("1_.5", 1),
    ],
)
def test_int_underscores_only_between_digits(text: str, at: int) -> None:
    error = failure(parse_int, text)
    assert error.reason == "`_` must sit between two digits"
    assert (error.offset, error.length) == (at, 1)


@pytest.mark.parametrize(
    ("text", "minimum", "maximum", "reason"),
    [
        ("99999999999999999999", 0, 65535, "must be between 0 and 65535"),
        ("-1", 0, None, "must be at least 0"),
        ("256", None, 255, "must be at most 255"),
        ("-129", -128, 127, "must be between -128 and 127"),
        ("0x10000", 0, 0xFFFF, "must be between 0 and 65535"),
    ],
)
def test_int_range_error_names_the_range(
    text: str, minimum: int | None, maximum: int | None, reason: str
) -> None:
    """interp[interp.int.range]"""
    error = failure(parse_int, text, minimum=minimum, maximum=maximum)
    assert isinstance(error, ScalarRangeError)
    assert error.reason == reason
    assert marked(error) == text


def test_int_range_bounds_are_inclusive() -> None:
    assert parse_int("0", minimum=0, maximum=255) == 0
    assert parse_int("255", minimum=0, maximum=255) == 255
    assert parse_int("-128", minimum=-128) == -128


def test_int_syntax_errors_come_before_range_errors() -> None:
    error = failure(parse_int, "1.5", minimum=5)
    assert not isinstance(error, ScalarRangeError)


def test_int_longer_than_python_converts_is_an_error_not_a_crash() -> None:
    error = failure(parse_int, "1" * 5000)
    assert "at most" in error.reason
    assert parse_int("0x" + "f" * 5000) == 16**5000 - 1


@given(st.integers(min_value=0))
def test_int_round_trips_with_radix_prefixes(n: int) -> None:
    for spec in ("#x", "#X", "#o", "#b"):
        assert parse_int(format(n, spec)) == n
    assert parse_int("0x" + format(n, "X")) == n


@given(st.integers(), st.data())
def test_int_round_trips_with_underscores(n: int, data: st.DataObject) -> None:
    digits = str(abs(n))
    cut = data.draw(st.sets(st.integers(1, max(1, len(digits) - 1))))
    grouped = "".join(
        ("_" if i in cut and i < len(digits) else "") + d for i, d in enumerate(digits)
    )
    assert parse_int(("-" if n < 0 else "") + grouped) == n
    assert parse_int(f"{n:_}") == n


# ---------------------------------------------------------------- floats


@pytest.mark.parametrize(
    ("text", "value"),
    [
        # the spec's examples
        ("3.14159", 3.14159),
        ("6.022e23", 6.022e23),
        ("1.5e-10", 1.5e-10),
        ("3.141_592_653", 3.141592653),
        # more
        ("-273.15", -273.15),
        ("+0.5", 0.5),
        ("1E10", 1e10),
        ("1e+3", 1000.0),
        ("2e-3", 0.002),
        ("1_000.000_1", 1000.0001),
        ("1e1_0", 1e10),
        ("007.5", 7.5),
        ("-0.0", -0.0),
        ("1e-999", 0.0),  # underflows to zero, as in every float parser
        # integers are floats where a float is asked for
        ("8080", 8080.0),
        ("-1", -1.0),
    ],
)
def test_float_valid(text: str, value: float) -> None:
    """interp[interp.float.syntax]"""
    assert parse_float(text) == value


@pytest.mark.parametrize(
    ("text", "reason", "part"),
    [
        ("", "the text is empty", ""),
        ("abc", "not a number", "abc"),
        ("-", "not a number", "-"),
        (".5", "a digit must come before `.`", "."),
        ("-.5", "a digit must come before `.`", "."),
        ("1.", "expected digits after `.`", "1."),
        ("1.e5", "expected digits after `.`", "e"),
        ("1e", "expected digits in the exponent", "1e"),
        ("1e+", "expected digits in the exponent", "1e+"),
        ("1.5x", "unexpected `x` after the number", "x"),
        ("1.2.3", "unexpected `.` after the number", ".3"),
        ("0x10", "unexpected `x` after the number", "x10"),
        ("1_.5", "`_` must sit between two digits", "_"),
        ("1._5", "`_` must sit between two digits", "_"),
        ("1e_5", "`_` must sit between two digits", "_"),
        ("1__0.0", "`_` must sit between two digits", "_"),
        ("1e999", "too large for a 64-bit float (the largest is about 1.8e308)", "1e999"),
        ("-1e999", "too large for a 64-bit float (the largest is about 1.8e308)", "-1e999"),
    ],
)
def test_float_invalid(text: str, reason: str, part: str) -> None:
    error = failure(parse_float, text)
    assert (error.reason, marked(error)) == (reason, part)
    assert error.expected == "float"


def test_float_fixes_a_missing_leading_zero() -> None:
    assert failure(parse_float, "-.5").hint == "write -0.5"


@pytest.mark.parametrize("text", ["inf", "+inf", "-inf", "nan", "NaN", "Infinity", "-infinity"])
def test_float_special_values_need_permission(text: str) -> None:
    error = failure(parse_float, text)
    assert "must be finite" in error.reason


def test_float_special_values() -> None:
    """interp[interp.float.special]"""
    assert parse_float("inf", special=True) == math.inf
    assert parse_float("+inf", special=True) == math.inf
    assert parse_float("-inf", special=True) == -math.inf
    assert math.isnan(parse_float("nan", special=True))
    assert parse_float("1.5", special=True) == 1.5


@pytest.mark.parametrize("text", ["Inf", "NaN", "INF", "Infinity", "-Infinity", "+nan", "-nan"])
def test_float_special_values_are_case_sensitive(text: str) -> None:
    error = failure(parse_float, text, special=True)
    assert error.hint == "special values are case-sensitive: write inf, +inf, -inf or nan"


def test_float_overflow_is_an_error_even_when_infinity_is_allowed() -> None:
    assert failure(parse_float, "1e400", special=True).hint == (
        "write inf or -inf if infinity is meant and allowed"
    )


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_float_round_trips_through_repr(x: float) -> None:
    assert parse_float(repr(x)) == x
    assert parse_float(f"{x:.17e}") == x


# ------------------------------------------------------- JSON numbers (schema)


@pytest.mark.parametrize(
    "text",
    ["3.14", "-273.15", "6.022e23", "1E-10", "0.0", "0", "-0", "10", "1e+5", "1.5E-0", "1e999"],
)
def test_json_number_valid(text: str) -> None:
    """schema[schema.constraints.float.syntax]: the spec's examples and more."""
    assert is_json_number(text)


@pytest.mark.parametrize(
    "text",
    ["", "+1", "01", "-01", "1.", ".5", "1e", "1_000", "NaN", "Infinity", "-Infinity", "inf",
     "0x10", " 1", "1 ", "1\n", "--1", "1.5.5", "\u0661"],
)  # fmt: skip
def test_json_number_invalid(text: str) -> None:
    assert not is_json_number(text)
    with pytest.raises(ScalarError):
        parse_json_number(text)


@pytest.mark.parametrize(
    ("text", "reason", "part", "hint"),
    [
        ("+1", "a JSON number cannot start with `+`", "+", "write 1"),
        ("007", "JSON numbers have no leading zeros", "00", "write 7"),
        ("-00.5", "JSON numbers have no leading zeros", "0", "write -0.5"),
        ("1_000", "JSON numbers have no underscores", "_", "write 1000"),
        ("1e999", "too large for a 64-bit float (the largest is about 1.8e308)", "1e999", None),
    ],
)
def test_json_number_errors_explain_the_difference_from_styx_floats(
    text: str, reason: str, part: str, hint: str | None
) -> None:
    error = failure(parse_json_number, text)
    assert (error.reason, marked(error)) == (reason, part)
    if hint:
        assert error.hint == hint


@pytest.mark.parametrize("text", ["NaN", "Infinity", "-Infinity", "nan"])
def test_json_number_is_never_nan_or_infinity(text: str) -> None:
    assert "must be finite" in failure(parse_json_number, text).reason


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_json_number_accepts_what_json_writes(x: float) -> None:
    written = json.dumps(x)
    assert is_json_number(written)
    assert parse_json_number(written) == x


# ---------------------------------------------------------------- durations


@pytest.mark.parametrize(
    ("text", "value"),
    [
        # the spec's examples
        ("30s", timedelta(seconds=30)),
        ("1h30m", timedelta(seconds=5400)),
        ("1.5s", timedelta(milliseconds=1500)),
        ("500ms", timedelta(milliseconds=500)),
        ("7d", timedelta(days=7)),
        ("30s1h", timedelta(hours=1, seconds=30)),
        ("1h1h", timedelta(hours=2)),
        # every unit
        ("1000ns", timedelta(microseconds=1)),
        ("1us", timedelta(microseconds=1)),
        ("1µs", timedelta(microseconds=1)),
        ("1ms", timedelta(milliseconds=1)),
        ("1s", timedelta(seconds=1)),
        ("1m", timedelta(minutes=1)),
        ("1h", timedelta(hours=1)),
        ("1d", timedelta(days=1)),
        # more
        ("0s", timedelta(0)),
        ("1d2h3m4s5ms6us7000ns", timedelta(1, 2 * 3600 + 3 * 60 + 4, 5 * 1000 + 6 + 7)),
        ("0.1s", timedelta(milliseconds=100)),
        ("0.5d", timedelta(hours=12)),
        ("1_000ms", timedelta(seconds=1)),
        ("1e3ms", timedelta(seconds=1)),
        ("1.5e-3s", timedelta(microseconds=1500)),
        ("0e99999999s", timedelta(0)),
        ("1e-99999999s", timedelta(0)),
        ("1e-" + "9" * 30 + "s", timedelta(0)),
        ("007s", timedelta(seconds=7)),
        ("999999999d", timedelta(days=999999999)),
    ],
)
def test_duration_valid(text: str, value: timedelta) -> None:
    """interp[interp.duration.syntax], interp[interp.duration.order]"""
    assert parse_duration(text) == value


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1ns", timedelta(0)),
        ("999ns", timedelta(0)),
        ("1500ns", timedelta(microseconds=1)),
        ("1999ns", timedelta(microseconds=1)),
        ("2.9999us", timedelta(microseconds=2)),
        ("500ns500ns", timedelta(microseconds=1)),  # summed exactly, then truncated once
        ("0.1s0.2s", timedelta(microseconds=300_000)),  # exact, not 0.30000000000000004
    ],
)
def test_duration_drops_digits_below_a_microsecond(text: str, value: timedelta) -> None:
    assert parse_duration(text) == value


@pytest.mark.parametrize(
    ("text", "reason", "offset", "length"),
    [
        ("", "the text is empty", 0, 0),
        ("30", "expected a unit after `30`", 0, 2),
        ("1h30", "expected a unit after `30`", 2, 2),
        ("1.5", "expected a unit after `1.5`", 0, 3),
        ("h", "expected a number before `h`", 0, 1),
        ("1hm", "`hm` is not a duration unit", 1, 2),
        ("5min", "`min` is not a duration unit", 1, 3),
        ("1h5x", "`x` is not a duration unit", 3, 1),
        ("10S", "`S` is not a duration unit", 2, 1),
        ("5μs", "`μs` is not a duration unit", 1, 2),  # Greek mu, not the micro sign
        ("-5s", "a duration cannot be negative", 0, 1),
        ("1h-5s", "a duration cannot be negative", 2, 1),
        ("+5s", "a duration number has no sign", 0, 1),
        ("1h 30m", "whitespace is not allowed in a duration", 2, 1),
        (" 1s", "whitespace is not allowed in a duration", 0, 1),
        ("1s\t\t", "whitespace is not allowed in a duration", 2, 2),
        ("1h,30m", "expected a number, found `,`", 2, 1),
        ("1s!", "expected a number, found `!`", 2, 1),
        ("1,5s", "unexpected `,` after a number", 1, 1),
        ("1.5.3s", "unexpected `.` after a number", 3, 1),
        ("1s\u0663s", "expected a number, found `\u0663`", 2, 1),
        ("1h.5m", "a digit must come before `.`", 2, 1),
        ("1.s", "expected digits after `.`", 2, 1),
        ("1_s", "`_` must sit between two digits", 1, 1),
        ("1__000ms", "`_` must sit between two digits", 1, 1),
        ("_1s", "`_` must sit between two digits", 0, 1),
        ("1es", "expected digits in the exponent", 2, 1),
        ("0x10s", "`x` is not a duration unit", 1, 1),
        ("1e31s", "this number is too large for a duration", 0, 4),
        ("1h1e40m", "this number is too large for a duration", 2, 4),
        ("1000000000d", "longer than the longest duration Python holds (999999999 days)", 0, 11),
        ("1e" + "9" * 30 + "s", "this number is too large for a duration", 0, 32),
    ],
)
def test_duration_invalid_points_at_the_culprit(
    text: str, reason: str, offset: int, length: int
) -> None:
    error = failure(parse_duration, text)
    assert error.reason == reason
    assert (error.offset, error.length) == (offset, length)
    assert error.expected == "duration"


def test_duration_hints() -> None:
    """Like diagnostic.deser.invalid-value: formats and units."""
    generic = failure(parse_duration, "").hint
    assert generic == (
        "valid formats: 30s, 10ms, 2h, 500us, 1h30m, 1.5s; valid units: ns, us, µs, ms, s, m, h, d"
    )
    assert failure(parse_duration, "30").hint == (
        "add a unit, as in 30s or 30ms; valid units: ns, us, µs, ms, s, m, h, d"
    )
    assert failure(parse_duration, "1h 30m").hint == "write 1h30m"
    assert failure(parse_duration, "1 x").hint == generic  # no fix that parses
    assert failure(parse_duration, "5min").hint == (
        "did you mean `m` (minutes)? valid units: ns, us, µs, ms, s, m, h, d"
    )
    assert failure(parse_duration, "2H").hint == (
        "did you mean `h` (hours)? valid units: ns, us, µs, ms, s, m, h, d"
    )
    assert (failure(parse_duration, "3secs").hint or "").startswith("did you mean `s` (seconds)?")
    assert failure(parse_duration, "5μs").hint == (
        "that is the Greek letter mu; write `us` or `µs` (the micro sign, U+00B5)"
    )
    assert failure(parse_duration, "5x").hint == generic


_UNIT_NS = {"ns": 1, "us": 10**3, "µs": 10**3, "ms": 10**6, "s": 10**9, "m": 60 * 10**9,
            "h": 3600 * 10**9, "d": 86400 * 10**9}  # fmt: skip


@st.composite
def duration_pairs(draw: st.DrawFn) -> list[tuple[str, Fraction, str]]:
    """Random `<number><unit>` pairs: the number's text, its value, the unit."""
    pairs = []
    for _ in range(draw(st.integers(1, 5))):
        whole = draw(st.integers(0, 10_000))
        fraction = draw(st.one_of(st.just(""), st.text("0123456789", min_size=1, max_size=12)))
        text = f"{whole:_}" if draw(st.booleans()) else str(whole)
        value = Fraction(whole)
        if fraction:
            text += "." + fraction
            value += Fraction(int(fraction), 10 ** len(fraction))
        pairs.append((text, value, draw(st.sampled_from(sorted(_UNIT_NS)))))
    return pairs


@given(duration_pairs())
@example([("1", Fraction(1), "h"), ("30", Fraction(30), "m")])
def test_duration_is_the_exact_sum_of_its_parts(pairs: list[tuple[str, Fraction, str]]) -> None:
    text = "".join(number + unit for number, _, unit in pairs)
    total_ns = sum(value * _UNIT_NS[unit] for _, value, unit in pairs)
    assert parse_duration(text) == timedelta(microseconds=math.floor(total_ns / 1000))


@given(st.timedeltas(min_value=timedelta(0)))
def test_duration_round_trips_from_timedelta(value: timedelta) -> None:
    text = f"{value.days}d{value.seconds}s{value.microseconds}us"
    assert parse_duration(text) == value


# ---------------------------------------------------------------- dates and times


def test_datetime_formats_of_the_spec() -> None:
    """interp[interp.datetime.iso8601], interp[interp.datetime.subsec]"""
    assert parse_date("2024-03-15") == date(2024, 3, 15)
    assert parse_datetime("2024-03-15T14:30:00") == datetime(2024, 3, 15, 14, 30)
    assert parse_datetime("2024-03-15T14:30:00Z") == datetime(2024, 3, 15, 14, 30, tzinfo=UTC)
    assert parse_datetime("2024-03-15T14:30:00+01:00") == datetime(
        2024, 3, 15, 14, 30, tzinfo=timezone(timedelta(hours=1))
    )
    assert parse_datetime("2024-03-15 14:30:00", allow_space=True) == datetime(2024, 3, 15, 14, 30)
    assert parse_datetime("2024-03-15T14:30:00.123456789Z") == datetime(
        2024, 3, 15, 14, 30, 0, 123456, tzinfo=UTC
    )


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("2024-03-15t14:30:00z", datetime(2024, 3, 15, 14, 30, tzinfo=UTC)),  # RFC 3339 §5.6
        ("2024-03-15T14:30:00.5", datetime(2024, 3, 15, 14, 30, 0, 500000)),
        ("2024-03-15T14:30:00.000001Z", datetime(2024, 3, 15, 14, 30, 0, 1, tzinfo=UTC)),
        ("2024-03-15T14:30:00.0000009Z", datetime(2024, 3, 15, 14, 30, tzinfo=UTC)),
        ("2024-03-15T23:59:59.999999999Z", datetime(2024, 3, 15, 23, 59, 59, 999999, tzinfo=UTC)),
        (
            "2024-03-15T14:30:00-05:30",
            datetime(2024, 3, 15, 14, 30, tzinfo=timezone(-timedelta(hours=5, minutes=30))),
        ),
        (
            "2024-03-15T14:30:00+23:59",
            datetime(2024, 3, 15, 14, 30, tzinfo=timezone(timedelta(hours=23, minutes=59))),
        ),
        ("2024-03-15T14:30:00-00:00", datetime(2024, 3, 15, 14, 30, tzinfo=UTC)),
        ("2024-02-29T00:00:00", datetime(2024, 2, 29)),
        ("0001-01-01T00:00:00", datetime(1, 1, 1)),
        ("9999-12-31T23:59:59.999999Z", datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)),
    ],
)
def test_datetime_valid(text: str, value: datetime) -> None:
    parsed = parse_datetime(text)
    assert parsed == value
    assert parsed.utcoffset() == value.utcoffset()


def test_datetime_offsets_are_kept_and_local_times_are_naive() -> None:
    assert parse_datetime("2024-03-15T14:30:00").tzinfo is None
    assert parse_datetime("2024-03-15T14:30:00Z").tzinfo is UTC
    assert parse_datetime("2024-03-15T14:30:00-00:00").tzinfo is UTC
    assert parse_datetime("2024-03-15T14:30:00+02:00").utcoffset() == timedelta(hours=2)


@pytest.mark.parametrize(
    ("text", "reason", "offset", "length"),
    [
        ("2026-13-01T00:00:00Z", "month must be 01-12", 5, 2),  # diagnostics.md's example
        ("2026-00-01T00:00:00Z", "month must be 01-12", 5, 2),
        ("2026-01-32T00:00:00Z", "day must be 01-31", 8, 2),
        ("2026-01-00T00:00:00Z", "day must be 01-31", 8, 2),
        ("2023-02-29T00:00:00Z", "day must be 01-28 in 2023-02", 8, 2),
        ("2024-04-31T00:00:00Z", "day must be 01-30 in 2024-04", 8, 2),
        ("0000-01-01T00:00:00Z", "year must be 0001-9999", 0, 4),
        ("2024-03-15T24:00:00Z", "hour must be 00-23", 11, 2),
        ("2024-03-15T14:60:00Z", "minute must be 00-59", 14, 2),
        ("2024-03-15T14:30:61Z", "second must be 00-60", 17, 2),
        ("2024-03-15T14:30:60Z", "leap seconds cannot be represented; second must be 00-59", 17, 2),
        ("2024-03-15T14:30:00+24:00", "offset hour must be 00-23", 20, 2),
        ("2024-03-15T14:30:00+01:60", "offset minute must be 00-59", 23, 2),
        ("2024-03-15T14:30:00+0100", "the offset must be Z or ±HH:MM", 19, 5),
        ("2024-03-15T14:30:00+01", "the offset must be Z or ±HH:MM", 19, 3),
        ("2024-03-15T14:30:00+01:00x", "unexpected `x` after the offset", 25, 1),
        ("2024-03-15T14:30:00Zx", "unexpected `x` after the offset", 20, 1),
        ("2024-03-15T14:30:00UTC", "unexpected `U` after the time", 19, 3),
        ("2024-03-15T14:30:00 Z", "unexpected U+0020 after the time", 19, 2),
        ("2024-03-15T14:30:00.", "expected digits after `.`", 0, 20),
        ("2024-03-15T14:30:00.Z", "expected digits after `.`", 20, 1),
        (
            "2024-03-15T14:30:00.1234567891Z",
            "fractional seconds have at most nine digits (nanoseconds)",
            29,
            1,
        ),
        (
            "2024-03-15T14:30:00.123456789123Z",
            "fractional seconds have at most nine digits (nanoseconds)",
            29,
            3,
        ),
        ("2024-03-15T14:30Z", "expected `:` between minute and second", 16, 1),
        ("2024-03-15T14", "expected `:` between hour and minute", 0, 13),
        ("2024-03-15T1:30:00", "hour must be two digits", 11, 1),
        ("2024-03-15T", "expected the hour", 0, 11),
        ("2024-03-15", "the time is missing", 0, 10),
        ("2024-03-15 14:30:00", "a space may replace `T` only in a quoted scalar", 10, 1),
        ("2024-03-15X14:30:00", "expected `T` between date and time", 10, 1),
        ("2024-03-15_14:30:00", "expected `T` between date and time", 10, 1),
        ("", "expected the year", 0, 0),
        ("24-03-15T00:00:00", "year must be four digits", 0, 2),
        ("20240-03-15T00:00:00", "year must be four digits", 0, 5),
        ("2024/03/15T00:00:00", "expected `-` between year and month", 4, 1),
        ("2024-3-15T00:00:00", "month must be two digits", 5, 1),
        ("2024-03-5T00:00:00", "day must be two digits", 8, 1),
        ("2024-03-1\u0665T00:00:00", "day must be two digits", 8, 1),
    ],
)
def test_datetime_invalid_points_at_the_field(
    text: str, reason: str, offset: int, length: int
) -> None:
    error = failure(parse_datetime, text)
    assert error.reason == reason
    assert (error.offset, error.length) == (offset, length)
    assert error.expected == "timestamp"
    assert error.title == "invalid timestamp"


def test_datetime_hints() -> None:
    assert failure(parse_datetime, "2026-13-01T00:00:00Z").hint == (
        "expected RFC 3339 format: YYYY-MM-DDTHH:MM:SS, optionally with a fraction (.123) "
        "and Z or ±HH:MM"
    )
    assert failure(parse_datetime, "2024-03-15 14:30:00").hint == (
        'write 2024-03-15T14:30:00, or quote it: "2024-03-15 14:30:00"'
    )
    assert failure(parse_datetime, "2024-03-15").hint == "add a time, as in 2024-03-15T00:00:00Z"


def test_space_separator_only_when_allowed() -> None:
    assert parse_datetime("2024-03-15 14:30:00Z", allow_space=True).tzinfo is UTC
    error = failure(parse_datetime, "2024-03-15  14:30:00", allow_space=True)
    assert (error.reason, error.offset) == ("expected the hour", 11)


@pytest.mark.parametrize(
    ("text", "reason", "offset", "length"),
    [
        ("2024-3-15", "month must be two digits", 5, 1),
        ("2024-03-15T00:00:00", "a date has no time part", 10, 9),
        ("2024-03-15 ", "a date has no time part", 10, 1),
        ("2024-03-15Z", "unexpected `Z` after the date", 10, 1),
        ("2024-03-", "expected the day", 0, 8),
        ("2024-03", "expected `-` between month and day", 0, 7),
        ("2023-02-29", "day must be 01-28 in 2023-02", 8, 2),
        ("2026-13-01", "month must be 01-12", 5, 2),
        ("today", "expected the year", 0, 1),
    ],
)
def test_date_invalid(text: str, reason: str, offset: int, length: int) -> None:
    error = failure(parse_date, text)
    assert error.reason == reason
    assert (error.offset, error.length) == (offset, length)
    if reason == "a date has no time part":
        assert error.hint == "write 2024-03-15"
    else:
        assert error.hint == "expected RFC 3339 date format: YYYY-MM-DD"


@given(st.dates())
def test_date_round_trips(value: date) -> None:
    assert parse_date(value.isoformat()) == value


_OFFSETS = st.one_of(
    st.none(),
    st.just(UTC),
    st.integers(-(24 * 60 - 1), 24 * 60 - 1).map(lambda m: timezone(timedelta(minutes=m))),
)


@given(
    st.datetimes(timezones=_OFFSETS),
    st.sampled_from(["T", "t", " "]),
    st.text("0123456789", max_size=3),
)
def test_datetime_round_trips_rfc3339(value: datetime, separator: str, nanos: str) -> None:
    """isoformat() is RFC 3339 for offsets in whole minutes; extra digits are dropped."""
    text = value.isoformat(sep=separator)
    if nanos:
        text = value.isoformat(sep=separator, timespec="microseconds")
        date_time, zone = text[:26], text[26:]
        text = date_time + nanos + zone
    if value.tzinfo is UTC and separator != " ":
        text = text.replace("+00:00", "Z")
    parsed = parse_datetime(text, allow_space=separator == " ")
    assert parsed == value
    assert parsed.utcoffset() == value.utcoffset()


# ---------------------------------------------------------------- bytes


@pytest.mark.parametrize(
    ("text", "value"),
    [
        # the spec's examples
        ("deadbeef", b"\xde\xad\xbe\xef"),
        ("00_11_22_33", b"\x00\x11\x22\x33"),
        ("", b""),
        ("base64:SGVsbG8gV29ybGQ=", b"Hello World"),
        # more
        ("DEADbeef", b"\xde\xad\xbe\xef"),
        ("0011_2233", b"\x00\x11\x22\x33"),
        ("00", b"\x00"),
        ("base64:", b""),
        ("base64:SGVsbG8gV29ybGQ", b"Hello World"),  # padding may be left out
        ("base64:SGk=", b"Hi"),
        ("base64:SA==", b"H"),
        ("base64:SA", b"H"),
        ("base64:+/+/", b"\xfb\xff\xbf"),
        ("base64:-_-_", b"\xfb\xff\xbf"),  # URL-safe alphabet
    ],
)
def test_bytes_valid(text: str, value: bytes) -> None:
    """interp[interp.bytes.hex], interp[interp.bytes.base64]"""
    assert parse_bytes(text) == value


@pytest.mark.parametrize(
    ("text", "reason", "offset", "length"),
    [
        ("abc", "`c` is half a byte: each byte is two hex digits", 2, 1),
        ("0_011", "`0` is half a byte: each byte is two hex digits", 0, 1),
        ("00_1_22", "`1` is half a byte: each byte is two hex digits", 3, 1),
        ("_00", "`_` must sit between two bytes", 0, 1),
        ("00_", "`_` must sit between two bytes", 2, 1),
        ("00__11", "`_` must sit between two bytes", 3, 1),
        ("xyz", "`x` is not a hex digit", 0, 1),
        ("0g", "`g` is not a hex digit", 1, 1),
        ("de ad", "U+0020 is not a hex digit", 2, 1),
        ("0xdead", "hex bytes have no `0x` prefix", 0, 2),
        ("BASE64:SGk=", "the `base64:` prefix is case-sensitive", 0, 7),
        ("base64:SGVsbG8==", "expected 1 `=` of padding, found 2", 14, 2),
        ("base64:SGk==", "expected 1 `=` of padding, found 2", 10, 2),
        ("base64:SGVs=", "no `=` padding belongs here", 11, 1),
        ("base64:====", "no `=` padding belongs here", 7, 4),
        ("base64:S=Gk", "`=` padding may only come at the end", 8, 1),
        ("base64:A", "a final base64 character on its own encodes no byte", 7, 1),
        ("base64:SGVsb", "a final base64 character on its own encodes no byte", 11, 1),
        ("base64:SG!k", "`!` is not a base64 character", 9, 1),
        ("base64:SG k", "U+0020 is not a base64 character", 9, 1),
        ("base64:a+b-", "mixes the standard (+ /) and URL-safe (- _) base64 alphabets", 10, 1),
        ("base64:_a/b", "mixes the standard (+ /) and URL-safe (- _) base64 alphabets", 9, 1),
    ],
)
def test_bytes_invalid(text: str, reason: str, offset: int, length: int) -> None:
    error = failure(parse_bytes, text)
    assert error.reason == reason
    assert (error.offset, error.length) == (offset, length)
    assert error.expected == "bytes"


def test_bytes_hints() -> None:
    assert failure(parse_bytes, "0xdead").hint == "write dead"
    assert failure(parse_bytes, "Base64:SGk").hint == "write base64:SGk"
    assert failure(parse_bytes, "base64:SGk==").hint == "write base64:SGk="
    assert "deadbeef" in (failure(parse_bytes, "xyz").hint or "")


@given(st.binary(), st.booleans())
def test_bytes_round_trip_hex(value: bytes, separated: bool) -> None:
    assert parse_bytes(value.hex("_") if separated else value.hex()) == value
    assert parse_bytes(value.hex().upper()) == value


@given(st.binary(), st.sampled_from(["standard", "url-safe", "unpadded"]))
def test_bytes_round_trip_base64(value: bytes, flavour: str) -> None:
    encode = base64.urlsafe_b64encode if flavour == "url-safe" else base64.b64encode
    encoded = encode(value).decode("ascii")
    if flavour == "unpadded":
        encoded = encoded.rstrip("=")
    assert parse_bytes("base64:" + encoded) == value


# ---------------------------------------------------------------- any text at all

_PARSERS: list[Callable[[str], object]] = [
    parse_bool,
    parse_int,
    lambda text: parse_int(text, minimum=-5, maximum=5),
    parse_float,
    lambda text: parse_float(text, special=True),
    parse_json_number,
    parse_duration,
    parse_date,
    parse_datetime,
    lambda text: parse_datetime(text, allow_space=True),
    parse_bytes,
]
_SCALAR_ALPHABET = string.digits + "+-_.:eExXoObB TtZzsmhdnuµ=/abcdefABCDEF"


@given(
    st.one_of(
        st.text(), st.text(_SCALAR_ALPHABET), st.text(_SCALAR_ALPHABET).map("base64:".__add__)
    )
)
@example("9" * 5000)
@example("1e-9999999999999s")
def test_any_text_gives_a_value_or_a_scalar_error_inside_the_text(text: str) -> None:
    for parse in _PARSERS:
        try:
            parse(text)
        except ScalarError as error:
            assert error.text == text
            assert error.offset >= 0 and error.length >= 0
            assert error.offset + error.length <= len(text)
            assert error.length > 0 or not text
            assert error.reason and error.expected
