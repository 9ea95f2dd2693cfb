"""The command line's vocabulary: option values read into the API's typed inputs.

``--vary discount_rate=6%..12%:1%``, ``--fx EUR=1.08``, ``--set
payments[0].amount=120M``, ``--as-of``, ``--rate`` and the scenario flags are
written for people; this module reads them into :class:`~computelease.api.Settings`,
:class:`~computelease.core.sensitivity.Axis`, exchange rates and
:class:`~computelease.models.Scenario` overrides, and raises
:class:`~computelease.errors.UsageError` (exit 2) naming the option and the
value when one is wrong. The API below never sees option names.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final, Literal

from pydantic import ValidationError

from computelease import dates, money
from computelease.api import Period
from computelease.core.analysis import Settings
from computelease.errors import Codes, FieldError, RequestError, UsageError, shown
from computelease.fields import Kind, parse_delay
from computelease.models import PARTIAL, Scenario
from computelease.validation import validation_issues

# A grid's and a comparison's terms are imported where they are read: lease calc reads
# its settings here, and should not load the sensitivity grid or the book to do it.
if TYPE_CHECKING:
    from computelease.core.sensitivity import Axis

_AXIS = re.compile(r"\s*([^=\s]+)\s*=\s*(.+?)\s*\.\.\s*([^:]+?)\s*:\s*(.+?)\s*")


def settings(as_of: str | None, rate: str | None) -> Settings:
    """``--as-of`` and ``--rate`` as settings."""
    try:
        day = dates.parse_date(as_of) if as_of is not None else None
    except FieldError as exc:
        raise UsageError(f"--as-of: {exc.message}") from None
    try:
        value = (
            money.parse_rate(rate, low=money.ZERO, high=money.ONE, what="discount rate")
            if rate is not None
            else None
        )
    except FieldError as exc:
        raise UsageError(f"--rate: {exc.message}") from None
    return Settings(as_of=day, rate=value)


def axis(text: str) -> Axis:
    """``NAME=LOW..HIGH:STEP`` as an axis, each bound written as the input's own option is."""
    from computelease.core.sensitivity import MAX_STEPS, Axis, axis_bound, input_kind

    m = _AXIS.fullmatch(text)
    if m is None:
        raise UsageError(
            f"--vary {shown(text)}: expected NAME=LOW..HIGH:STEP, such as discount_rate=6%..12%:1%"
        )
    name, *bounds = m.groups()
    try:
        kind = input_kind(name)
    except RequestError as exc:
        raise UsageError(f"--vary {exc.message}") from None
    unit: Literal["months", "days"] | None = None
    currency: str | None = None
    try:
        if kind is Kind.DELAY:
            (low, high, step), unit = _delays(name, bounds)
        elif kind is Kind.RATE:
            low, high, step = _rates(name, bounds)
        elif kind is Kind.MONEY:
            low, high, step = (money.parse_money(b, None) for b in bounds)
            marks = {money.mark_of(b) for b in bounds} - {None}
            if len(marks) > 1:
                raise UsageError(f"--vary {shown(text)}: write every bound in one currency")
            currency = marks.pop() if marks else None
        else:
            low, high, step = (money.parse_number(b) for b in bounds)
    except FieldError as exc:
        raise UsageError(f"--vary {shown(text)}: {exc.message}") from None
    if any(abs(v) > axis_bound(kind) for v in (low, high, step)):
        limit = "rates within 100%" if kind is Kind.RATE else "values up to 10^15"
        raise UsageError(f"--vary {shown(text)}: {limit} only")
    with money.arithmetic():
        if step <= 0 or high < low:
            raise UsageError(
                f"--vary {shown(text)}: the step must be positive and LOW at most HIGH"
            )
        # Compared before counting: a step of 1e-9998 must not build a 10^9998-value axis.
        if (high - low) / step >= MAX_STEPS:
            raise UsageError(
                f"--vary {shown(text)}: more than {MAX_STEPS} values; at most {MAX_STEPS} per axis"
            )
        count = int((high - low) / step) + 1
        values = tuple(low + step * i for i in range(count))
    if kind in (Kind.COUNT, Kind.DELAY) and any(v != v.to_integral_value() for v in values):
        raise UsageError(f"--vary {shown(text)}: {name} takes whole numbers")
    return Axis(name, kind, values, unit, currency)


def _rates(name: str, bounds: Sequence[str]) -> tuple[Decimal, ...]:
    from computelease.core.sensitivity import axis_bound

    out = []
    for bound in bounds:
        try:
            limit = axis_bound(Kind.RATE)
            value = money.parse_rate(bound, low=-limit, high=limit, what=name)
        except FieldError as exc:
            if any(not b.endswith("%") for b in bounds) and "did you mean" in exc.message:
                written = "..".join(f"{b.rstrip('%')}%" for b in bounds[:2])
                raise FieldError(
                    exc.code,
                    f"{name} is a rate; did you mean {name}={written}:{bounds[2].rstrip('%')}%?",
                ) from None
            raise
        out.append(value)
    return tuple(out)


def _delays(
    name: str, bounds: Sequence[str]
) -> tuple[tuple[Decimal, ...], Literal["months", "days"]]:
    """Delay bounds as ``--delay`` writes them (``3m``, ``90d``); a bare ``0`` takes their unit."""
    with_unit = [b for b in bounds if not re.fullmatch(r"[0-9]+", b)]
    if not with_unit:
        low, high, step = bounds
        raise FieldError(
            Codes.BAD_NUMBER,
            f"{name} is written as --delay is, with a unit; "
            f"did you mean {name}={low}m..{high}m:{step}m (months)?",
        )
    units = {parse_delay(b).unit for b in with_unit}
    if len(units) > 1:
        raise FieldError(
            Codes.BAD_NUMBER, f"{name}: write every bound in one unit, months (3m) or days (90d)"
        )
    unit = units.pop()
    suffix = "m" if unit == "months" else "d"
    values = tuple(Decimal(parse_delay(b if b in with_unit else b + suffix).count) for b in bounds)
    return values, unit


def fx(items: Sequence[str]) -> dict[str, Decimal]:
    """``["EUR=1.08", ...]`` as ``{"EUR": Decimal("1.08")}``."""
    from computelease.core.book import MAX_FX

    out: dict[str, Decimal] = {}
    for item in items:
        code, sep, rate_text = item.partition("=")
        try:
            ccy = money.currency(code.strip().upper())
            rate = money.parse_number(rate_text, what="exchange rate")
        except FieldError as exc:
            raise UsageError(f"--fx {shown(item)}: {exc.message}") from None
        if not sep or not 0 < rate <= MAX_FX:
            raise UsageError(
                f"--fx {shown(item)}: expected CODE=RATE with a rate above 0 and at most "
                f"{MAX_FX:,}, such as EUR=1.08"
            )
        out[ccy.code] = rate
    return out


def currency(code: str | None) -> str | None:
    """``--currency``: an ISO code we know, in upper case."""
    if code is None:
        return None
    try:
        return money.currency(code.strip().upper()).code
    except FieldError as exc:
        raise UsageError(f"--currency: {exc.message}") from None


_PERIODS: Final[dict[str, Period]] = {"month": "month", "quarter": "quarter", "year": "year"}


def period(text: str | None) -> Period | None:
    """``--by``: a period to sum a schedule by (checked against the choices already)."""
    return _PERIODS[text] if text is not None else None


def pairs(items: Sequence[str]) -> dict[str, str]:
    """``--set PATH=VALUE`` pairs, values kept as written for their fields to read."""
    out = {}
    for item in items:
        path, sep, value = item.partition("=")
        if not sep or not path.strip():
            raise UsageError(
                f"--set {shown(item)}: expected PATH=VALUE, such as payments[0].amount=120M"
            )
        out[path.strip()] = value.strip()
    return out


def scenario(flags: Mapping[str, Any], *, merged: bool = False) -> dict[str, Any] | None:
    """The scenario flags given (None when none is), checked as a scenario's overrides.

    Returned as written, for the API to read against the deal (a price marked
    ``EUR 5`` must match its currency). ``merged``: they go on top of a named
    scenario, so a rule across fields (``--extend`` needs a delay) waits until
    the two are merged.
    """
    given = {key: value for key, value in flags.items() if value is not None}
    if not given:
        return None
    try:
        Scenario.model_validate(given, context={PARTIAL: True} if merged else None)
        return given
    except ValidationError as exc:
        issue = validation_issues(exc)[0]
        flag = "--" + str(issue.path[0]).replace("_", "-") if issue.path else "scenario"
        raise UsageError(f"{flag}: {issue.message}") from None
