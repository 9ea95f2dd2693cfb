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

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from computelease import dates, money, paths
from computelease.core.commitment import owed_part
from computelease.core.schedule import build_schedule, periods, prepayment_amounts
from computelease.errors import Code, Codes, ExitCode, FieldError, FieldPath, LeaseError
from computelease.fields import Delay
from computelease.models import STEP_MONTHS, Deal, Scenario, as_data
from computelease.validation import Located, validation_issues


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
    return f"{paths.dotted(path)}: " if path else ""


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
    current = _fixed_prepayments(deal)
    if scenario.set:
        data = _data(current)
        removed: list[str] = []
        for path, value in scenario.set:
            if value is None and path.endswith("]"):
                removed.append(path)  # after the rest, so every index names the deal's entry
                continue
            _assign(data, path, value)
            notes.append(f"set {path} = {value}" if value is not None else f"cleared {path}")
        for path in sorted(removed, key=_last_index, reverse=True):
            _assign(data, path, None)
            notes.append(f"removed {path}")
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
        for key, value in assumptions.items():
            notes.append(
                money.Words(f"{key} = ", money.Amount(value, deal.ccy, price=True))
                if key == "market_gpu_hour"
                else f"{key} = {money.format_percent(value)}"
            )
    if scenario.delay is not None:
        current = _validate(_delay(current, scenario.delay, scenario.extend, notes))
    if scenario.terminate is not None:
        current = _validate(_terminate(current, scenario.terminate, notes))
    if scenario.delivered is not None:
        current = _validate(_delivered(current, scenario.delivered, notes))
    if scenario.uptime is not None:
        current = _validate(_uptime(current, scenario.uptime, notes))
    return Applied(current, tuple(notes))


def _fixed_prepayments(deal: Deal) -> Deal:
    """The deal with each percent prepayment as the amount it came to at signing.

    A prepayment is paid when the deal is signed: a scenario that scales or
    cuts the payments does not change what was prepaid.
    """
    if not any(isinstance(p.amount, money.Percent) for p in deal.prepayments):
        return deal
    data = _data(deal)
    amounts = prepayment_amounts(deal)
    data["prepayments"] = [{**p, "amount": amounts[i]} for i, p in enumerate(data["prepayments"])]
    return _validate(data)


def _data(deal: Deal) -> dict[str, Any]:
    """The deal as plain data that validates back into the same deal."""
    data = as_data(deal)
    data.pop("scenarios", None)  # a scenario's deal carries no scenarios of its own
    return data


def _validate(data: dict[str, Any]) -> Deal:
    books = data.get("accounting")
    # A lease term "to the earliest exit" of a deal whose exit has been taken (or can no
    # longer be) is its whole, shorter, term.
    if (
        "termination" not in data
        and isinstance(books, dict)
        and books.get("lease_term") == "earliest-exit"
    ):
        data["accounting"] = {**books, "lease_term": "full"}
    try:
        return Deal.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(validation_issues(exc)) from None


def _last_index(path: str) -> int:
    step = paths.parse(path)[-1]
    return step if isinstance(step, int) else -1


def _assign(data: dict[str, Any], path: str, value: str | None) -> None:
    """Set ``payments[0].amount``-style ``path`` in ``data`` to ``value`` (text, parsed later).

    ``None`` removes the field; a field that is already absent stays absent.
    """
    try:
        steps = paths.parse(path)
    except FieldError as exc:
        raise _fail(exc.code, exc.message) from None
    target: Any = data
    for i, step in enumerate(steps):
        last = i == len(steps) - 1
        where = steps[: i + 1]
        if isinstance(step, int):
            name = paths.dotted(steps[:i])
            if not isinstance(target, list):
                raise _fail(Codes.WRONG_TYPE, f"{path}: {name} is not a list", where)
            count = len(target)
            if step >= count:
                raise _fail(
                    Codes.OUT_OF_RANGE,
                    f"{path}: {name} has {count} entr{'y' if count == 1 else 'ies'}, no [{step}]",
                    where,
                )
        elif not isinstance(target, dict):
            raise _fail(
                Codes.WRONG_TYPE, f"{path}: {paths.dotted(steps[:i])} holds no fields", where
            )
        if last:
            if value is None and isinstance(step, int):
                del target[step]
            elif value is None:
                target.pop(step, None)
            else:
                target[step] = value
            return
        nxt = steps[i + 1]
        if value is None and isinstance(step, str) and step not in target:
            return  # nothing to clear under a block the deal does not have
        if isinstance(step, str) and step not in target:
            target[step] = [] if isinstance(nxt, int) else {}
        target = target[step]


def unreachable(deal: Deal, path: str) -> str | None:
    """Why ``path`` names no place in this deal (``payments[9]`` of a deal with one), or None."""
    try:
        _assign(_data(deal), path, "0")
    except ScenarioError as exc:
        return "; ".join(issue.message for issue in exc.issues)
    return None


def _shift(day: date, delay: Delay) -> date:
    if delay.unit == "months":
        return dates.add_months(day, delay.count)
    return day + timedelta(days=delay.count)


def _with_end(data: dict[str, Any], end: date) -> None:
    data.pop("months", None)
    data["end"] = end


def _delay(deal: Deal, delay: Delay, extend: bool, notes: list[str]) -> dict[str, Any]:
    try:
        if delay.tranche is not None:
            return _tranche_delayed(deal, delay, notes)
        return _delayed(deal, delay, extend, notes)
    except (dates.DateOverflow, OverflowError):
        raise _fail(
            Codes.TERM_TOO_LONG, f"a delay of {delay} moves a date past year 9999", ("start",)
        ) from None


def _delayed(deal: Deal, delay: Delay, extend: bool, notes: list[str]) -> dict[str, Any]:
    data = _data(deal)
    start = _shift(deal.start, delay)
    end = _shift(deal.term_end, delay) if extend else deal.term_end
    if start > end:
        raise _fail(
            Codes.END_BEFORE_START,
            f"a delay of {delay} moves the start ({start}) past the end of the term ({end})",
            ("start",),
        )
    data["start"] = start
    # An explicit end: "months" from a moved start need not land on the moved end.
    _with_end(data, end)
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
    # A prepayment is an amount fixed at signing (a percent of the deal as signed); one
    # due with service moves with it, one already paid before the start does not.
    amounts = prepayment_amounts(deal)
    data["prepayments"] = [
        {
            **p,
            "amount": amounts[i],
            "on": p["on"]
            if p.get("on", deal.start) < deal.start
            else min(_shift(p.get("on", deal.start), delay), end),
        }
        for i, p in enumerate(data.get("prepayments", []))
    ]
    for adj in data.get("adjustments", []):
        for key in ("from", "until"):
            if key in adj:
                adj[key] = min(_shift(adj[key], delay), end)
    # A slip moves service, not what was already spent or the market's calendar.
    assumptions = data.get("assumptions", {})
    lessor = assumptions.get("lessor")
    if lessor and ("capex" in lessor or "capex_per_gpu" in lessor) and "capex_date" not in lessor:
        lessor["capex_date"] = deal.start
        notes.append(f"the lessor's capex stays on {deal.start}")
    for tranche in (data.get("capacity") or {}).get("tranches", []):
        delivered = tranche.get("delivered", deal.start)
        tranche.setdefault("capex_date", delivered)
        tranche["delivered"] = min(_shift(delivered, delay), end)
        if "until" in tranche:
            tranche["until"] = max(tranche["delivered"], min(_shift(tranche["until"], delay), end))
    if "market_gpu_hour" in assumptions and "market_date" not in assumptions:
        assumptions["market_date"] = deal.start
    term = data.get("termination")
    if term is not None:
        not_before = _shift(term.get("not_before", deal.start), delay)
        if not_before > end:
            del data["termination"]
            notes.append("the termination right can no longer be used within the term")
        else:
            term["not_before"] = not_before
    return data


def _capex_day(deal: Deal, tranche: dict[str, Any]) -> date:
    """When a tranche's capex is spent, as the cost stack dates it."""
    lessor = deal.assumptions.lessor
    if lessor is not None and lessor.capex is not None:
        return lessor.capex_date or deal.start  # all the capacity, bought at once
    day = tranche.get("capex_date") or tranche.get("delivered") or deal.start
    assert isinstance(day, date)
    return day


def _drop(deal: Deal, data: dict[str, Any], tranche: dict[str, Any], name: str, by: date) -> str:
    """The tenant no longer takes ``tranche`` from ``by``: its streams go with it.

    Capex already spent by then is sunk: the tranche stays, dropped, and the
    lessor re-lets it at the market when it arrives. Capex not yet spent is
    never spent: the tranche goes altogether. Returns what happened, for a note.
    """
    tranches = data["capacity"]["tranches"]
    data["payments"] = [p for p in data["payments"] if p.get("tranche") != name]
    if not data["payments"]:
        raise _fail(Codes.OUTSIDE_TERM, f"dropping {name} leaves no payment", ("payments",))
    if _capex_day(deal, tranche) <= by:
        tranche.pop("until", None)
        tranche["dropped"] = True
        return (
            "its streams drop out; its capex, already spent, stays, and the lessor re-lets it "
            "at the market when it arrives"
        )
    tranches.remove(tranche)
    if not tranches:
        data.pop("capacity", None)
    return "its streams drop out, and its capex, not yet spent, with it"


def _tranche_delayed(deal: Deal, delay: Delay, notes: list[str]) -> dict[str, Any]:
    """One tranche delivered later: its streams move with it, its capex stays where it was.

    A tranche delivered after the term, or (with ``delivery.shortfall: drop``)
    after the deadline and its grace, is dropped with its streams: the tenant
    does not take it, and the lessor, whose capex stays on its date, re-lets
    it at the market when it arrives.
    """
    data = _data(deal)
    tranches = (data.get("capacity") or {}).get("tranches", [])
    names = [t.get("name", f"tranche-{i + 1}") for i, t in enumerate(tranches)]
    if delay.tranche not in names:
        have = ", ".join(names) or "none: the deal has one block of capacity"
        raise _fail(
            Codes.UNKNOWN_TRANCHE,
            f"no tranche named {delay.tranche!r} to delay (the deal has: {have})",
            ("capacity", "tranches"),
        )
    name = delay.tranche
    assert name is not None  # a tranche delay names its tranche
    tranche = tranches[names.index(name)]
    tranche["name"] = name
    delivered = tranche.get("delivered", deal.start)
    moved = _shift(delivered, delay)
    end = deal.term_end
    d = deal.delivery
    late = d is not None and moved > d.deadline + timedelta(days=d.grace_days)
    if moved > end or (late and d is not None and d.shortfall == "drop"):
        why = "after the term ends" if moved > end else "after the deadline and its grace"
        # The day the tenant no longer takes it: the end, or when the grace runs out.
        by = end
        if moved <= end and d is not None:
            by = min(end, d.deadline + timedelta(days=d.grace_days))
        tranche.setdefault("capex_date", delivered)
        tranche["delivered"] = moved
        what = _drop(deal, data, tranche, name, by)
        notes.append(
            f"delay {delay}: tranche {delay.tranche} would arrive {moved}, {why}: it is "
            f"dropped; {what}"
        )
        return data
    tranche.setdefault("capex_date", delivered)
    tranche["delivered"] = moved
    if "until" in tranche:
        tranche["until"] = max(moved, tranche["until"])
    for stream in data["payments"]:
        if stream.get("tranche") == delay.tranche:
            stream["from"] = max(moved, _shift(stream.get("from", deal.start), delay))
            if stream["from"] > stream.get("until", end):
                stream["until"] = stream["from"]
    notes.append(
        f"delay {delay}: tranche {delay.tranche} delivered {moved} instead of {delivered}, "
        "its streams with it; its capex stays where it was"
    )
    return data


def effective_end(deal: Deal, when: date | str) -> date | None:
    """The first day no longer covered when notice is given ``when`` (or as early as allowed).

    None when notice is given after the term has ended: it ends nothing.
    """
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
    if notice > deal.term_end:
        return None
    # Within the calendar: a term ends by 9599-12-31 and notice lasts at most 100 years.
    return notice + timedelta(days=term.notice_days)


def _truncate(
    deal: Deal, last: date, fee: Decimal | None, notes: list[str], *, refund: bool = False
) -> dict[str, Any]:
    """The deal's terms cut to end on ``last``, with ``fee`` paid on that day.

    A prepayment keeps its amount (a percent is resolved against the full
    deal); what the shorter term cannot absorb is assumed kept by the lessor
    and shown as a payment of its own, unless the lessor's own failure ended
    the lease (``refund``): then it goes back to the lessee. Residual values
    are re-based on a straight line from capex at the start to the residual
    at the original end.
    """
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
    amounts = prepayment_amounts(deal)
    data["prepayments"] = [
        {**p, "amount": amounts[i]}
        for i, p in enumerate(data.get("prepayments", []))
        if p.get("on", deal.start) <= last
    ]
    data["adjustments"] = [
        a for a in data.get("adjustments", []) if a.get("from", deal.start) <= last
    ]
    for adj in data["adjustments"]:
        if adj.get("until", last) > last:
            adj["until"] = last
    data.pop("termination", None)
    capacity = data.get("capacity") or {}
    for i, tranche in enumerate(list(capacity.get("tranches", []))):
        if tranche.get("dropped"):
            continue
        if tranche.get("delivered", deal.start) <= last:
            if tranche.get("until", last) > last:
                tranche["until"] = last
            continue
        name = tranche.get("name", f"tranche-{i + 1}")
        tranche["name"] = name
        what = _drop(deal, data, tranche, name, last)
        notes.append(f"tranche {name}, due {tranche['delivered']}, is not delivered: {what}")
    _rebase_residuals(deal, data, last, notes)
    _credit_as_agreed(deal, data, last, notes, refund=refund)
    return data


def _credit_as_agreed(
    deal: Deal, data: dict[str, Any], last: date, notes: list[str], *, refund: bool = False
) -> None:
    """Credit the prepayments over the shorter term exactly as the full term would have.

    The service kept is credited what the deal's own schedule credits it
    (pro-rata shares, front or back); the rest of each prepayment is assumed
    kept by the lessor, as the committed value assumes, or with ``refund``
    (the lessor failed to deliver) paid back: the prepayment becomes what was
    used, as if the rest had never been paid (the months the lessor held it
    are not valued).
    """
    if not data["prepayments"]:
        return
    end = dates.next_day(last)
    full = build_schedule(deal)
    left = sum(
        (
            owed_part(row.credit, row, end, deal.ccy) or money.ZERO
            for row in full.rows
            if row.kind == "payment"
        ),
        money.ZERO,
    )
    for pre in sorted(data["prepayments"], key=lambda p: p.get("on", deal.start)):
        credited = min(pre["amount"], left)
        left -= credited
        if credited == pre["amount"]:
            continue
        unused = money.Amount(pre["amount"] - credited, deal.ccy)
        on = pre.get("on", deal.start)
        if refund:
            notes.append(
                money.Words(
                    f"of the prepayment on {on}, ",
                    unused,
                    " is not used: refunded, since the lessor failed to deliver (taken as never "
                    "paid; the months the lessor held it are not valued)",
                )
            )
            pre["amount"] = credited
            if not credited:
                data["prepayments"].remove(pre)
            continue
        pre["credited"] = credited
        notes.append(
            money.Words(
                f"of the prepayment on {on}, ",
                unused,
                " is not used by the shorter term: assumed kept by the lessor",
            )
        )


def _rebase_residuals(deal: Deal, data: dict[str, Any], last: date, notes: list[str]) -> None:
    full = (dates.next_day(deal.term_end) - deal.start).days
    used = (dates.next_day(last) - deal.start).days
    assumptions = data.get("assumptions", {})
    for side, capex_key, residual_key in (
        ("lessor", "capex", "residual"),
        ("lessee", "buy_capex", "buy_residual"),
    ):
        block = assumptions.get(side)
        # Only a fixed residual is re-based: one valued at the market follows the new end.
        if not block or capex_key not in block or (side == "lessor" and residual_key not in block):
            continue
        capex, residual = block[capex_key], block.get(residual_key, money.ZERO)
        value = money.round_money(capex - (capex - residual) * used / full, deal.ccy)
        if value != residual:
            block[residual_key] = value
            notes.append(
                money.Words(
                    f"{side} {residual_key} re-based to ",
                    money.Amount(value, deal.ccy),
                    f" for an end on {last} (straight line from capex to the residual at "
                    f"{deal.term_end})",
                )
            )


def _terminate(deal: Deal, when: date | str, notes: list[str]) -> dict[str, Any]:
    if deal.termination is None:
        # A delay can push the right past the end (the model asks for it otherwise).
        notes.append(f"notice {when} cannot be given: the deal runs its course")
        return _data(deal)
    end = effective_end(deal, when)
    term = deal.termination
    if end is None or end > deal.term_end:
        effect = f"takes effect {end}" if end is not None else "is given"
        notes.append(f"notice given {when} {effect}, after the term ends: the deal runs its course")
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
    said = (
        f"terminated: notice {end - timedelta(days=term.notice_days)} + {term.notice_days} days, "
        f"service to {last}"
    )
    notes.append(
        money.Words(said, ", fee ", money.Amount(term.fee, deal.ccy), f" paid {last}")
        if term.fee
        else said
    )
    return _truncate(deal, last, term.fee, notes)


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
        return _truncate(deal, last, None, notes, refund=True)
    data = _data(deal)
    # Per-GPU-hour streams follow the capacity delivered; the others scale with the share.
    data.setdefault("adjustments", []).append(
        {
            "name": "delivered share",
            "factor": share,
            "from": max(cutoff, deal.start),
            "per_gpu_hour": False,
        }
    )
    # The capacity changes where the fees do: from the first period that starts at the
    # cutoff or after it, so a period is never billed whole for capacity it half lacked.
    _deliver_share(deal, data, share, _first_period_from(deal, cutoff))
    notes.append(
        f"delivered {money.format_percent(share)}: payments for periods from {cutoff} scale "
        "with the share delivered, and so does the capacity in service, so each GPU-hour "
        "delivered is priced as before; the lessor's capex is unchanged, and the share not "
        "delivered is taken to arrive then and is re-let at the market after the re-letting gap"
    )
    return data


def _first_period_from(deal: Deal, cutoff: date) -> date:
    """The first day on or after ``cutoff`` that a period of one of the deal's streams starts."""
    starts = []
    for stream in deal.payments:
        if stream.every == "once":
            continue
        first, last = stream.from_ or deal.start, stream.until or deal.term_end
        step = STEP_MONTHS[stream.every]
        found = next(
            (p.start for p in periods(first, last, step, "advance") if p.start >= cutoff), None
        )
        if found is not None:
            starts.append(found)
    return min(starts, default=max(cutoff, deal.start))


def _deliver_share(deal: Deal, data: dict[str, Any], share: Decimal, cutoff: date) -> None:
    """The capacity from ``cutoff`` is ``share`` of each tranche; the rest retires the day before.

    One block of capacity becomes tranches for this: ``capacity`` (what is
    delivered) and ``capacity-undelivered`` (in service until the cutoff).
    """
    if deal.gpus is None and deal.power_mw is None:
        return
    capacity = data.setdefault("capacity", {})
    if not capacity.get("tranches"):
        # The block as the deal counts it: capacity's figures, or else the reported ones,
        # bought when the lessor's capex is dated.
        for key in ("gpus", "power_mw"):
            capacity.pop(key, None)
        whole = {k: v for k, v in (("gpus", deal.gpus), ("power_mw", deal.power_mw)) if v}
        lessor = deal.assumptions.lessor
        bought = lessor.capex_date if lessor is not None else None
        capacity["tranches"] = [
            {"name": "capacity", **whole, **({"capex_date": bought} if bought else {})}
        ]
    out = []
    for i, tranche in enumerate(capacity["tranches"]):
        name = tranche.get("name", f"tranche-{i + 1}")
        tranche["name"] = name
        gpus, power = tranche.get("gpus"), tranche.get("power_mw")
        kept = {**tranche}
        last = tranche.get("until", deal.term_end)
        if tranche.get("dropped") or last < cutoff:
            out.append(kept)  # not in service at the cutoff: nothing of it to fall short
            continue
        # What never arrives was still bought, on the tranche's own capex date.
        rest = {
            "name": f"{name}-undelivered",
            "part_of": name,
            "until": cutoff - dates.ONE_DAY,
            "capex_date": tranche.get("capex_date") or tranche.get("delivered") or deal.start,
        }
        if "delivered" in tranche:
            rest["delivered"] = tranche["delivered"]
        # Power follows the GPUs as they round (a whole GPU each), so the two shares agree.
        kept_share = share
        if gpus is not None:
            kept["gpus"] = max(1, int(money.round_to(gpus * share, 0)))
            kept_share = Decimal(kept["gpus"]) / gpus
            if gpus - kept["gpus"] > 0:
                rest["gpus"] = gpus - kept["gpus"]
        if power is not None:
            kept["power_mw"] = power * kept_share
            if power * (1 - kept_share) > 0:
                rest["power_mw"] = power * (1 - kept_share)
        out.append(kept)
        in_service_before = tranche.get("delivered", deal.start) < cutoff
        if in_service_before and ("gpus" in rest or "power_mw" in rest):
            out.append(rest)
    capacity["tranches"] = out


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


def moves_payments(scenario: Scenario) -> bool:
    """Whether a scenario can change a schedule: not one that sets only a rate or a market.

    The schedule reads no valuation assumption (the discount rate, the market
    price and its decline), so such a scenario's schedules are the deal's.
    """
    return any(
        (scenario.set, scenario.delay, scenario.terminate, scenario.delivered, scenario.uptime)
    )
