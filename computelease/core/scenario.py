"""Scenarios: a validated deal transformed into another validated deal.

Each override rewrites the deal's terms, and the result is validated again
like any deal file, so the rest of the core computes a scenario with no
special cases. Overrides apply in a fixed order: ``set``, then the
assumptions (``discount_rate``, ``market_gpu_hour``, ``market_decline``),
then ``delay``, ``terminate``, ``delivered`` and ``uptime``.

- ``delay`` (``3m``, ``90d``): service and payments start later. With
  ``extend`` the term keeps its length and every date moves; otherwise the
  end stays put and the deal shrinks (a stream that no longer fits drops out).
- ``terminate`` (``earliest``, or the date notice is given): the term ends the
  day before the notice takes effect, the last period prorated, and the
  termination fee is paid on the last day covered.
- ``delivered`` (a share, with ``delivery``): under ``pro-rata`` every
  payment for a period starting after the deadline and grace is scaled by
  the share delivered; under ``terminate`` the lessee walks away when the
  grace period ends.
- ``uptime`` (achieved, with ``sla``): each period's fee is reduced by
  ``credit`` per percentage point below the target, at most ``credit_cap``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from computelease import dates, money
from computelease.errors import Code, Codes, ExitCode, FieldPath, LeaseError, dotted
from computelease.models import Deal, Delay, Located, Scenario, validation_issues


class ScenarioError(LeaseError):
    """A scenario that cannot be applied, or whose result is not a valid deal.

    ``issues`` are located in the *scenario's* deal (paths into the deal),
    so the caller can report them at the scenario's place in the file or on
    the command line.
    """

    exit_code = ExitCode.INVALID

    def __init__(self, issues: Sequence[Located]) -> None:
        super().__init__("; ".join(f"{_where(i.path)}{i.message}" for i in issues))
        self.issues = tuple(issues)


def _where(path: FieldPath) -> str:
    return f"{dotted(path)}: " if path else ""


def _fail(code: Code, message: str, path: FieldPath = ()) -> ScenarioError:
    return ScenarioError([Located(path, code, message)])


@dataclass(frozen=True)
class Applied:
    """A scenario's deal, with a line for each thing the scenario changed or could not change."""

    deal: Deal
    notes: tuple[str, ...]


def apply(deal: Deal, scenario: Scenario) -> Applied:
    """``deal`` with ``scenario``'s overrides applied, validated as a deal again."""
    notes: list[str] = []
    needs = (
        ("terminate", scenario.terminate, deal.termination, "a termination block"),
        ("delivered", scenario.delivered, deal.delivery, "a delivery block"),
        ("uptime", scenario.uptime, deal.sla, "an sla block"),
    )
    for field, wanted, block, what in needs:
        if wanted is not None and block is None:
            raise _fail(Codes.NEEDS_INPUT, f"{field} needs {what}, and the deal has none", (field,))
    current = deal
    if scenario.set:
        data = _data(current)
        for path, value in scenario.set:
            _assign(data, path, value)
            notes.append(f"set {path} = {value}")
        current = _validate(data)
    assumptions = {
        key: getattr(scenario, key)
        for key in ("discount_rate", "market_gpu_hour", "market_decline")
        if getattr(scenario, key) is not None
    }
    if assumptions:
        data = _data(current)
        data.setdefault("assumptions", {}).update(assumptions)
        current = _validate(data)
        notes.extend(f"{key} = {_show(value)}" for key, value in assumptions.items())
    if scenario.delay is not None and scenario.delay.count:
        current = _validate(_delay(current, scenario.delay, scenario.extend, notes))
    if scenario.terminate is not None:
        current = _validate(_terminate(current, scenario.terminate, notes))
    if scenario.delivered is not None:
        current = _validate(_delivered(current, scenario.delivered, notes))
    if scenario.uptime is not None:
        current = _validate(_uptime(current, scenario.uptime, notes))
    return Applied(current, tuple(notes))


def _show(value: Any) -> str:
    if isinstance(value, Decimal):
        return money.decimal_text(value)
    return str(value)


def _data(deal: Deal) -> dict[str, Any]:
    """The deal as plain data that validates back into the same deal."""
    data = _lists(deal.model_dump(by_alias=True, exclude_none=True, exclude={"scenarios"}))
    assert isinstance(data, dict)
    return data


def _lists(value: Any) -> Any:
    """Tuples as lists, all the way down, so that entries can be edited in place."""
    if isinstance(value, dict):
        return {key: _lists(inner) for key, inner in value.items()}
    if isinstance(value, list | tuple):
        return [_lists(inner) for inner in value]
    return value


def _validate(data: dict[str, Any]) -> Deal:
    try:
        return Deal.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(validation_issues(exc)) from None


_STEP = re.compile(r"([a-z_]+)(?:\[([0-9]+)\])?")


def _assign(data: dict[str, Any], path: str, value: str) -> None:
    """Set ``payments[0].amount``-style ``path`` in ``data`` to ``value`` (text, parsed later)."""
    target: Any = data
    steps = path.split(".")
    walked: list[str | int] = []
    for i, step in enumerate(steps):
        m = _STEP.fullmatch(step)
        if m is None:
            raise _fail(Codes.BAD_TEXT, f"{path!r} is not a field path such as payments[0].amount")
        key, index = m[1], m[2]
        last = i == len(steps) - 1
        if not isinstance(target, dict):
            raise _fail(
                Codes.WRONG_TYPE, f"{path}: {'.'.join(steps[:i])} holds no fields", tuple(walked)
            )
        walked.append(key)
        if index is None:
            if last:
                target[key] = value
                return
            target = target.setdefault(key, {})
            continue
        items = target.get(key)
        position = int(index)
        if not isinstance(items, list) or position >= len(items):
            count = len(items) if isinstance(items, list) else 0
            raise _fail(
                Codes.OUT_OF_RANGE,
                f"{path}: {key} has {count} entr{'y' if count == 1 else 'ies'}, no [{position}]",
                tuple(walked),
            )
        walked.append(position)
        if last:
            items[position] = value
            return
        target = items[position]


def _shift(day: date, delay: Delay) -> date:
    if delay.unit == "months":
        return dates.add_months(day, delay.count)
    return day + timedelta(days=delay.count)


def _with_end(data: dict[str, Any], end: date) -> None:
    data.pop("months", None)
    data["end"] = end


def _delay(deal: Deal, delay: Delay, extend: bool, notes: list[str]) -> dict[str, Any]:
    data = _data(deal)
    try:
        start = _shift(deal.start, delay)
        end = _shift(deal.term_end, delay) if extend else deal.term_end
    except (dates.DateOverflow, OverflowError):
        raise _fail(
            Codes.TERM_TOO_LONG, f"a delay of {delay} runs past year 9999", ("start",)
        ) from None
    if start > end:
        raise _fail(
            Codes.END_BEFORE_START,
            f"a delay of {delay} moves the start ({start}) past the end of the term ({end})",
            ("start",),
        )
    data["start"] = start
    if not extend:
        _with_end(data, end)
    elif "end" in data:
        data["end"] = end
    notes.append(
        f"delay {delay}: service starts {start}"
        + (f", the term keeps its length and ends {end}" if extend else f", the end stays {end}")
    )
    streams = []
    for i, stream in enumerate(data["payments"]):
        if "from" in stream:
            stream["from"] = _shift(stream["from"], delay)
        if "until" in stream and extend:
            stream["until"] = _shift(stream["until"], delay)
        first = stream.get("from", start)
        if first > min(stream.get("until", end), end):
            notes.append(f"{deal.stream_name(i)} no longer fits in the term and drops out")
            continue
        streams.append(stream)
    if not streams:
        raise _fail(
            Codes.OUTSIDE_TERM,
            f"a delay of {delay} leaves no payment inside the term",
            ("payments",),
        )
    data["payments"] = streams
    data["prepayments"] = [
        {**p, "on": min(_shift(p.get("on", deal.start), delay), end)}
        for p in data.get("prepayments", [])
    ]
    for adj in data.get("adjustments", []):
        for key in ("from", "until"):
            if key in adj:
                adj[key] = min(_shift(adj[key], delay), end)
    term = data.get("termination")
    if term is not None:
        not_before = _shift(term.get("not_before", deal.start), delay)
        if not_before > end:
            del data["termination"]
            notes.append("the termination right can no longer be used within the term")
        else:
            term["not_before"] = not_before
    return data


def effective_end(deal: Deal, when: date | str) -> date:
    """The first day no longer covered when notice is given ``when`` (or as early as allowed)."""
    term = deal.termination
    assert term is not None  # the model requires a termination right for terminate
    earliest = term.not_before or deal.start
    notice = earliest if when == "earliest" else when
    assert isinstance(notice, date)
    if notice < earliest:
        raise _fail(
            Codes.OUTSIDE_TERM,
            f"notice may not be given before {earliest}; {notice} is earlier",
            ("termination", "not_before"),
        )
    return notice + timedelta(days=term.notice_days)


def _truncate(deal: Deal, last: date, fee: Decimal | None) -> dict[str, Any]:
    """The deal's terms cut to end on ``last``, with ``fee`` paid on that day."""
    data = _data(deal)
    _with_end(data, last)
    streams = []
    for stream in data["payments"]:
        if stream.get("from", deal.start) > last:
            continue
        if stream.get("until", last) > last:
            stream["until"] = last
        streams.append(stream)
    if fee:
        streams.append({"name": "termination fee", "amount": fee, "every": "once", "from": last})
    data["payments"] = streams
    data["prepayments"] = [
        p for p in data.get("prepayments", []) if p.get("on", deal.start) <= last
    ]
    data["adjustments"] = [
        a for a in data.get("adjustments", []) if a.get("from", deal.start) <= last
    ]
    for adj in data["adjustments"]:
        if adj.get("until", last) > last:
            adj["until"] = last
    data.pop("termination", None)
    return data


def _terminate(deal: Deal, when: date | str, notes: list[str]) -> dict[str, Any]:
    end = effective_end(deal, when)
    term = deal.termination
    assert term is not None
    if end > deal.term_end:
        notes.append(
            f"notice given {when} takes effect {end}, after the term ends: the deal runs its course"
        )
        data = _data(deal)
        data.pop("termination", None)
        return data
    last = end - dates.ONE_DAY
    if last < deal.start:
        raise _fail(
            Codes.END_BEFORE_START,
            f"termination takes effect {end}, before any service; nothing remains to compute",
            ("termination",),
        )
    notes.append(
        f"terminated: notice {end - timedelta(days=term.notice_days)} + {term.notice_days} days, "
        f"service to {last}"
        + (f", fee {money.decimal_text(term.fee)} paid {last}" if term.fee else "")
    )
    return _truncate(deal, last, term.fee)


def _delivered(deal: Deal, share: Decimal, notes: list[str]) -> dict[str, Any]:
    delivery = deal.delivery
    assert delivery is not None  # the model requires a delivery block for delivered
    cutoff = delivery.deadline + timedelta(days=delivery.grace_days + 1)
    if cutoff > deal.term_end or share == 1:
        notes.append(f"delivered {money.format_percent(share)}: no payment is affected")
        return _data(deal)
    if delivery.shortfall == "terminate":
        last = max(cutoff - dates.ONE_DAY, deal.start)
        notes.append(
            f"delivered {money.format_percent(share)} by {delivery.deadline} + "
            f"{delivery.grace_days} days' grace: the lessee walks away, service to {last}"
        )
        return _truncate(deal, last, None)
    data = _data(deal)
    data.setdefault("adjustments", []).append(
        {"name": "delivered share", "factor": share, "from": max(cutoff, deal.start)}
    )
    notes.append(
        f"delivered {money.format_percent(share)}: payments for periods from {cutoff} scale "
        "with the share delivered"
    )
    return data


def sla_credit(deal: Deal, uptime: Decimal) -> Decimal:
    """The share of each period's fee credited at ``uptime``: per point below target, capped."""
    sla = deal.sla
    assert sla is not None  # the model requires an sla block for uptime
    with money.arithmetic():
        points = max((sla.uptime - uptime) * 100, money.ZERO)
        return min(sla.credit * points, sla.credit_cap)


def _uptime(deal: Deal, uptime: Decimal, notes: list[str]) -> dict[str, Any]:
    data = _data(deal)
    credit = sla_credit(deal, uptime)
    if credit:
        data.setdefault("adjustments", []).append(
            {"name": "SLA credit", "factor": money.ONE - credit}
        )
    notes.append(
        f"uptime {money.format_percent(uptime, 3)}: {money.format_percent(credit)} of each "
        "period's fee credited"
    )
    return data
