"""Two versions of a deal: every term that differs, and what the change does to the figures.

A renegotiation is read the way a reviewer reads it: first the terms (each
field path, its old value and its new one, compared as values, so ``150M``
and ``150,000,000`` are the same term), then the effect on the figures a deal
is judged by, each old, new, the change and the change in percent. Both
versions are valued at their own start unless a valuation date is given,
and at the rate each gives unless one is given for both.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Final

from computelease import money, paths
from computelease.core.analysis import Analysis
from computelease.core.metrics import METRICS
from computelease.core.whatif import MetricRow
from computelease.errors import FieldError
from computelease.fields import Kind
from computelease.models import Deal, as_data

#: The figures a change of terms is judged by, in the order shown.
DIFF_METRICS: Final = (
    "total",
    "total_with_options",
    "months",
    "committed_value",
    "present_value",
    "price_per_gpu_hour",
    "npv_lessor",
    "irr_lessor",
    "payback_months",
)


@dataclass(frozen=True)
class TermChange:
    """One field that differs: its path, and its value before and after (None: not given).

    ``old`` and ``new`` are for people (``$150,000,000.00``, ``8%``); ``old_plain``
    and ``new_plain`` for machines (``150000000.00``, ``0.08``).
    """

    path: str
    old: str | None
    new: str | None
    old_plain: str | None
    new_plain: str | None


@dataclass(frozen=True)
class DealDiff:
    """Two versions of one deal: the terms that differ and the figures before and after."""

    old_source: str
    new_source: str
    old: Analysis
    new: Analysis
    terms: tuple[TermChange, ...]
    rows: tuple[MetricRow, ...]

    @property
    def equal(self) -> bool:
        """No term differs (comments, layout and the way an amount is written do not count)."""
        return not self.terms


def change_percent(row: MetricRow) -> Decimal | None:
    """The change as a share of the old figure, when there is one to divide by."""
    before = row.base[0]
    if row.difference is None or not before:
        return None
    return row.difference / abs(before)


@money.exact
def diff(old: Analysis, new: Analysis, *, old_source: str, new_source: str) -> DealDiff:
    """Every term of ``new`` that differs from ``old``, and the figures of both."""
    before, after = dict(_flat(as_data(old.deal))), dict(_flat(as_data(new.deal)))
    was, now = money.CURRENCIES[old.deal.currency], money.CURRENCIES[new.deal.currency]
    terms = tuple(
        TermChange(
            path,
            _shown(path, before.get(path), was),
            _shown(path, after.get(path), now),
            _plain(path, before.get(path), was),
            _plain(path, after.get(path), now),
        )
        for path in _ordered(before, after)
        if before.get(path) != after.get(path) and path != "id"  # a name for scripts, no term
    )
    rows = []
    for key in DIFF_METRICS:
        m = METRICS[key]
        a, b = m.read(old), m.read(new)
        change = b[0] - a[0] if a[0] is not None and b[0] is not None else None
        rows.append(MetricRow(m, a, b, change))
    return DealDiff(old_source, new_source, old, new, terms, tuple(rows))


def _flat(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """Each leaf of a deal's data by its path (``payments[0].amount``), lists by index."""
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _flat(inner, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list) and value:
        for i, inner in enumerate(value):
            yield from _flat(inner, f"{path}[{i}]")
    elif not (isinstance(value, list) and not value):
        yield path, value


def _ordered(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """Paths in the old file's order, with those only the new one has after their neighbours."""
    out = list(before)
    for i, path in enumerate(after):
        if path not in before:
            previous = next((p for p in reversed(list(after)[:i]) if p in out), None)
            out.insert(out.index(previous) + 1 if previous is not None else len(out), path)
    return out


def _shown(path: str, value: Any, ccy: money.Currency) -> str | None:
    """A term's value as a reviewer reads it: money exact, rates as percents, dates in ISO."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, money.Percent):
        return money.format_percent(value.fraction, 6)
    if isinstance(value, Decimal):
        kind = _kind(path)
        if kind is Kind.MONEY:
            return money.format_money(value, ccy)
        if kind is Kind.RATE:
            return money.format_percent(value, 6)
        return money.format_quantity(value)
    return str(value)


def _plain(path: str, value: Any, ccy: money.Currency) -> str | None:
    """A term's value for machines: money to the minor unit, rates as fractions."""
    if isinstance(value, money.Percent):
        return money.decimal_text(value.fraction)
    if isinstance(value, Decimal):
        return money.plain(value, ccy) if _kind(path) is Kind.MONEY else money.decimal_text(value)
    return _shown(path, value, ccy)


def _kind(path: str) -> Kind | None:
    try:
        field = paths.field_at(Deal, paths.parse(path))
    except FieldError:  # a scenario's name is no field
        return None
    found = paths.field_metadata(field, Kind) if field is not None else None
    return found if isinstance(found, Kind) else None
