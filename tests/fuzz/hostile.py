"""Hostile values for a form field, chosen by the field's type.

Each strategy yields ``Hostile(raw, must_reject)``: ``raw`` is what goes in the request body
(``str``, or ``bytes`` sent as they are, so invalid UTF-8 and encoded lone surrogates reach
Django), ``must_reject`` says whether no correct form may accept it (a NUL byte, a date that
does not exist, NaN, a number too large for its column...). Values that a form may accept or
refuse (HTML, a far but real date, a negative amount) are ``must_reject=False``: they must
never give a 5xx, and when refused they must be refused cleanly.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from hypothesis import strategies as st

# Markers the escaping checks look for: found raw in a page, they would run as script.
XSS = (
    '<script>alert("pac-xss")</script>',
    '"><img src=x onerror=alert("pac-xss")>',
    "<svg/onload=alert('pac-xss')>",
)
RAW_XSS_MARKERS = (b"<script>alert(", b"<img src=x onerror", b"<svg/onload")

# Invalid UTF-8: a stray continuation byte, an overlong "/", an encoded lone surrogate.
BAD_UTF8 = (b"\xff\xfe", b"\xc0\xaf", b"\xed\xa0\x80", b"abc\x80def")
HUGE = 100_000


@dataclass(frozen=True)
class Hostile:
    raw: str | bytes
    must_reject: bool


def _tag(strategy, must_reject: bool):
    return strategy.map(lambda raw: Hostile(raw, must_reject))


def _with_nul():
    return st.builds(lambda a, b: f"{a}\x00{b}", st.text(max_size=5), st.text(max_size=5))


# Odd text a form may take: HTML/JS, template syntax, odd unicode, SQL-looking quotes.
ODD_TEXT = st.one_of(
    st.sampled_from(
        [
            *XSS,
            "{{ 7|add:7 }}{% debug %}",
            "' OR 1=1 --",
            "\u202eRTL\u200b\ufeff",
            "🙂" * 50,
            "=cmd|' /C calc'!A0",
        ]
    ),
    st.text(max_size=30).filter(lambda s: "\x00" not in s),
)
GARBAGE = st.sampled_from(BAD_UTF8)

NOT_DATES = st.sampled_from(
    [
        "31/02/2026",
        "2026-02-30",
        "2026-13-01",
        "0000-00-00",
        "10000-01-01",
        "-0001-01-01",
        "2026-01-01\x00",
        "demain",
        "1e400",
    ]
)
FAR_DATES = st.sampled_from(["0001-01-01", "9999-12-31", "1900-02-28", "01/01/0001", "31/12/9999"])
NOT_DATETIMES = st.sampled_from(
    ["2026-02-30T10:00", "2026-01-01T25:61", "0000-00-00T00:00", "maintenant", "\x00"]
)
FAR_DATETIMES = st.sampled_from(
    ["0001-01-01T00:00", "0001-01-01 00:00", "9999-12-31T23:59", "9999-12-31 23:59:59"]
)
NOT_NUMBERS = st.sampled_from(
    [
        *("NaN", "nan", "inf", "-Infinity", "1e400", "-1e308", "1e308", "9" * 40, "-" + "9" * 40),
        *("12abc", "0x10", "1e", "--1", "1\x00"),
    ]
)
ODD_NUMBERS = st.sampled_from(["-1", "0", "-0.0", "1,5", "0.0000001", "١٢", "  7  "])


def _text(field: forms.CharField):
    parts = [
        _tag(_with_nul(), True),
        _tag(ODD_TEXT, False),
        _tag(GARBAGE, False),
    ]
    if field.max_length:
        too_long = st.sampled_from([field.max_length + 1, HUGE]).map(lambda n: "x" * n)
        parts.append(_tag(too_long, True))
    else:
        # No limit in the form: a huge text is the app's choice to take or refuse.
        parts.append(_tag(st.just("x" * HUGE), False))
    return st.one_of(parts)


def _choices_strategy(valid: set[str]):
    """Anything but a valid choice: ids that do not exist or overflow, text, garbage."""
    candidates = st.one_of(
        st.sampled_from(["0", "-1", "99999999999999999999", "1.5", "abc", "' OR 1=1 --"]),
        st.sampled_from(XSS),
        _with_nul(),
    )
    return st.one_of(
        candidates.map(lambda raw: Hostile(raw, raw not in valid)),
        _tag(GARBAGE, True),
    )


def valid_choices(field: forms.Field) -> set[str]:
    if isinstance(field, forms.ModelChoiceField):
        return {str(pk) for pk in field.queryset.values_list("pk", flat=True)}
    return {str(key) for key, _label in field.choices}


def hostile_values(field: forms.Field):
    """The strategy of hostile values for ``field`` (a bound form's field instance)."""
    if isinstance(field, forms.BooleanField):
        return st.one_of(_tag(ODD_TEXT, False), _tag(_with_nul(), False), _tag(GARBAGE, False))
    if isinstance(field, forms.ModelChoiceField | forms.ChoiceField):
        return _choices_strategy(valid_choices(field))
    if isinstance(field, forms.DateTimeField):
        return st.one_of(_tag(NOT_DATETIMES, True), _tag(FAR_DATETIMES, False), _tag(GARBAGE, True))
    if isinstance(field, forms.DateField):
        return st.one_of(_tag(NOT_DATES, True), _tag(FAR_DATES, False), _tag(GARBAGE, True))
    if isinstance(field, forms.IntegerField | forms.DecimalField | forms.FloatField):
        return st.one_of(_tag(NOT_NUMBERS, True), _tag(ODD_NUMBERS, False), _tag(GARBAGE, True))
    if isinstance(field, forms.CharField):
        return _text(field)
    raise NotImplementedError(f"no hostile values for {type(field).__name__}: add them here")


def sure_refusal(field: forms.Field) -> str | None:
    """One value ``field`` must refuse, for the sweep that tries every field once."""
    if isinstance(field, forms.BooleanField):
        return None
    if isinstance(field, forms.ModelChoiceField | forms.ChoiceField):
        return "99999999999999999999"  # also past what SQLite can bind
    if isinstance(field, forms.DateTimeField):
        return "2026-02-30T10:00"
    if isinstance(field, forms.DateField):
        return "31/02/2026"
    if isinstance(field, forms.IntegerField | forms.DecimalField | forms.FloatField):
        return "1e400"
    return "NUL\x00byte"
