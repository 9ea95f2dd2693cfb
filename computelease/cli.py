"""The ``lease`` command line: thin Typer commands over the public API, and the error boundary.

Every command reads its options (:mod:`computelease.arguments`), calls one
function of :mod:`computelease.api`, hands the result's value to a renderer,
reports the result's problems on stderr and exits with the code they call
for (see :class:`~computelease.errors.ExitCode`). :func:`guarded`, wrapped
around every command, is the one place that turns exceptions into messages:
a usage error is 2, a bug 3 (with the traceback only under ``--debug``),
Ctrl-C 130; a closed pipe is quiet. :func:`main` catches only what happens
around the commands, while options are parsed.

Heavy modules (pydantic, yaml, rich) are imported inside the commands, so
``lease --version`` and ``lease --help`` start fast.
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Final, Literal, NoReturn, TypeVar, cast

import typer

from computelease.errors import ExitCode, LeaseError, Problem, UsageError
from computelease.render import CheckFormat, OutputFormat, WorkbookFormat

if TYPE_CHECKING:
    from computelease.api import Result
    from computelease.render import Rendered, Renderer
    from computelease.render.options import RenderOptions

EXIT_CODES_HELP = (
    "Exit codes: 0 success; 1 invalid deal or failed check; 2 usage error "
    "(including a path that does not exist or cannot be read); 3 internal error; "
    "130 interrupted."
)

app = typer.Typer(
    name="lease",
    help="A calculator for AI compute deals: schedules, present value, committed value, "
    "unit economics and breakeven, exact to the cent.",
    epilog=EXIT_CODES_HELP,
    no_args_is_help=True,
    # --install-completion / --show-completion for bash, zsh, fish and PowerShell.
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)

F = TypeVar("F", bound=Callable[..., None])
T = TypeVar("T")


def guarded(command: F) -> F:
    """The one error boundary, around every command.

    A :class:`LeaseError` (a usage error: a bad option value, an output that
    cannot be written) becomes its message on stderr and its exit code;
    Ctrl-C exits 130; anything else is a bug: a short request to report it,
    the traceback only under ``--debug`` (frames only, never local variables,
    which would hold deal values), and exit 3. Typer's own usage errors exit
    2 before a command runs.
    """

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        ctx = kwargs.get("ctx")
        try:
            command(*args, **kwargs)
        except typer.Exit:
            raise
        except LeaseError as exc:
            _err(f"lease: error: {exc}")
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            _err("lease: interrupted")
            raise typer.Exit(ExitCode.INTERRUPTED) from None
        except Exception:
            _internal_error(debug=_debug_requested(ctx))
            raise typer.Exit(ExitCode.INTERNAL) from None

    return cast(F, wrapper)


def _debug_requested(ctx: object) -> bool:
    # Typer passes click's context, which is not always an instance of typer.Context.
    find_root = getattr(ctx, "find_root", None)
    obj = find_root().obj if callable(find_root) else None
    return isinstance(obj, dict) and bool(obj.get("debug"))


def _internal_error(*, debug: bool) -> None:
    if debug:
        import traceback

        traceback.print_exc()
    _err(
        "lease: internal error: this is a bug in lease, not in your deal. "
        "Please report it with the command you ran"
        + ("." if debug else " and its output with --debug.")
    )


def _version(value: bool) -> None:
    if value:
        from computelease import __version__

        _out(f"lease (computelease) {__version__}\n")  # a closed pipe is quiet, a full disk said
        raise typer.Exit(ExitCode.OK)


@app.callback()
def _root(
    ctx: typer.Context,
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_version,
            is_eager=True,
            metavar="",
            help="Print the version and exit.",
        ),
    ] = False,
    debug: Annotated[
        bool,
        typer.Option("--debug", metavar="", help="Show the full traceback of an internal error."),
    ] = False,
) -> None:
    """A calculator for AI compute deals."""
    ctx.obj = {"debug": debug}


def complete_deals(incomplete: str) -> list[str]:
    """Deal files (``*.yaml``, ``*.yml``) and folders under what has been typed so far."""
    folder, _, stem = incomplete.rpartition("/")
    base = Path(folder or ".")
    try:
        entries = sorted(base.iterdir())
    except OSError:
        return []
    out = []
    for entry in entries:
        if not entry.name.startswith(stem) or entry.name.startswith("."):
            continue
        shown = f"{folder}/{entry.name}" if folder else entry.name
        if entry.is_dir():
            out.append(shown + "/")
        elif entry.suffix in (".yaml", ".yml"):
            out.append(shown)
    return out


def complete_metric(incomplete: str) -> list[str]:
    """The metrics of ``lease sensitivity --metric``."""
    from computelease.core.metrics import METRICS

    return [name for name in METRICS if name.startswith(incomplete)]


def _words(*choices: str) -> Callable[[str], list[str]]:
    def complete(incomplete: str) -> list[str]:
        return [c for c in choices if c.startswith(incomplete)]

    return complete


# Options shared by several commands, and the longer ones of each, declared once.
DealsArgument = Annotated[
    # Strings, not Paths: Path("") would quietly mean the current folder.
    list[str],
    # readable=False: a file that cannot be read is E001 beside the others, not a stop.
    typer.Argument(
        help="Deal files or folders.",
        show_default=False,
        metavar="DEAL",
        readable=False,
        autocompletion=complete_deals,
    ),
]
DealArgument = Annotated[
    str,
    typer.Argument(
        help="A deal file.",
        show_default=False,
        metavar="DEAL",
        readable=False,
        autocompletion=complete_deals,
    ),
]
FormatOption = Annotated[
    OutputFormat,
    typer.Option(
        "--format", "-f", help="table (for people), json, csv or markdown (for PR comments)."
    ),
]
WorkbookFormatOption = Annotated[
    WorkbookFormat,
    typer.Option(
        "--format",
        "-f",
        help="table (for people), json, csv, markdown (for PR comments), or xlsx (an Excel "
        "workbook with live formulas; needs --output).",
    ),
]
OutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        metavar="FILE",
        readable=False,
        help="Write to FILE instead of stdout, atomically (a temporary file, then a rename).",
    ),
]
SvgOption = Annotated[
    Path | None,
    typer.Option(
        "--svg",
        metavar="FILE",
        readable=False,
        help="Also save the table, as the terminal shows it, as an SVG picture.",
    ),
]
HtmlOption = Annotated[
    Path | None,
    typer.Option(
        "--html",
        metavar="FILE",
        readable=False,
        help="Also save the table, as the terminal shows it, as a self-contained HTML page.",
    ),
]
AsOfOption = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        metavar="DATE",
        help="Valuation date for present values (YYYY-MM-DD). Default: the deal's start.",
    ),
]
RateOption = Annotated[
    str | None,
    typer.Option(
        "--rate",
        metavar="RATE",
        help="Discount rate such as 8% or 0.08, instead of assumptions.discount_rate.",
    ),
]
ExactOption = Annotated[
    bool,
    typer.Option(
        "--exact", metavar="", help="Show amounts in tables to the cent (default: $6.30B, $150.0M)."
    ),
]
SymbolOption = Annotated[
    bool,
    typer.Option(
        "--currency-symbol/--no-currency-symbol",
        metavar="",
        help="Show currency marks in tables ($, €).",
    ),
]
ScenarioNameOption = Annotated[
    str | None,
    typer.Option(
        "--scenario",
        metavar="NAME",
        help="Show the deal as its named scenario (from its scenarios: block) has it.",
    ),
]
PeriodOption = Annotated[
    str | None,
    typer.Option(
        "--by",
        metavar="month|quarter|year",
        help="Sum the payments by period.",
        autocompletion=_words("month", "quarter", "year"),
    ),
]
OptionsFlag = Annotated[
    bool, typer.Option("--with-options", metavar="", help="Include the lessee's option streams.")
]
DebtFlag = Annotated[
    bool,
    typer.Option(
        "--debt",
        metavar="",
        help="The lessor's loan period by period (needs assumptions.lessor.financing).",
    ),
]
NameOption = Annotated[
    str | None,
    typer.Option("--name", metavar="NAME", help="A scenario from the deal's scenarios: block."),
]
DelayOption = Annotated[
    str | None, typer.Option("--delay", metavar="DELAY", help="Service starts later: 3m, 90d, 1y.")
]
ExtendFlag = Annotated[
    bool, typer.Option("--extend", metavar="", help="With --delay: keep the term's length.")
]
TerminateOption = Annotated[
    str | None,
    typer.Option(
        "--terminate", metavar="earliest|DATE", help="Notice given (earliest allowed, or a date)."
    ),
]
DeliveredOption = Annotated[
    str | None,
    typer.Option("--delivered", metavar="SHARE", help="Share of capacity delivered, such as 80%."),
]
UptimeOption = Annotated[
    str | None, typer.Option("--uptime", metavar="RATE", help="Uptime achieved, such as 98.5%.")
]
MarketPriceOption = Annotated[
    str | None,
    typer.Option("--market-gpu-hour", metavar="PRICE", help="Market price per GPU-hour."),
]
MarketDeclineOption = Annotated[
    str | None,
    typer.Option("--market-decline", metavar="RATE", help="Annual market price decline."),
]
SetOption = Annotated[
    list[str] | None,
    typer.Option(
        "--set", metavar="PATH=VALUE", help="Any field: payments[0].amount=120M. Repeatable."
    ),
]
VaryOption = Annotated[
    list[str],
    typer.Option(
        "--vary",
        metavar="NAME=LOW..HIGH:STEP",
        help="An input to vary, written as its option is (discount_rate=6%..12%:1%, "
        "delay=0m..6m:1m, payments[0].amount=100M..200M:25M); once or twice.",
    ),
]
MetricOption = Annotated[
    str,
    typer.Option(
        "--metric",
        metavar="NAME",
        help="What each cell shows (see lease sensitivity --help).",
        autocompletion=complete_metric,
    ),
]
BookOption = Annotated[
    str | None,
    typer.Option(
        "--by",
        metavar="year",
        help="year: a book of revenue by year, scheduled and committed.",
        autocompletion=_words("year"),
    ),
]
LessorOption = Annotated[
    str | None,
    typer.Option("--lessor", metavar="NAME", help="Only deals whose lessor starts with NAME."),
]
CurrencyOption = Annotated[
    str | None,
    typer.Option(
        "--currency", metavar="CODE", help="Currency to compare in (default: the first deal's)."
    ),
]
FxOption = Annotated[
    list[str] | None,
    typer.Option(
        "--fx", metavar="CODE=RATE", help="Exchange rate: EUR=1.08 is 1 EUR in --currency."
    ),
]


def _gate(key: str, level: str) -> Any:
    from computelease.core.gates import GATES

    gate = GATES[key]
    flag = f"--{key}" if level == "fail" else f"--warn-{key}"
    what = "Fail" if level == "fail" else "Warn"
    return typer.Option(
        flag,
        metavar="LIMIT",
        help=f"{what} when a deal's {gate.label} is {'above' if gate.bound == 'max' else 'below'}"
        f" LIMIT. {gate.help}",
        rich_help_panel="Policy gates",
        show_default=False,
    )


def _policy(ctx: typer.Context, *, show: bool) -> Any:
    """The policy from the flags given, the environment and the nearest config file.

    With ``show``, print where each limit came from and stop there.
    """
    from computelease import api
    from computelease.render import text

    given = {
        name.replace("_", "-"): value
        for name, value in ctx.params.items()
        if name.startswith(("max_", "min_", "warn_")) and value is not None
    }
    result = api.policy(given, os.environ, given_as="--{name}")
    _diagnose(result.problems, debug=_debug_requested(ctx))
    if result.value is None:
        raise typer.Exit(_exit(result.problems))
    if show:
        _out(text.policy(result.value))
        raise typer.Exit(ExitCode.OK)
    return result.value


WorkersOption = Annotated[
    int | None,
    typer.Option(
        "--workers",
        metavar="N",
        help="Worker processes (default: every core; 1 works in this one); the results do not "
        "depend on it.",
        min=1,
    ),
]


@app.command(epilog=EXIT_CODES_HELP)
@guarded
def check(
    ctx: typer.Context,
    paths: Annotated[
        list[str] | None,
        typer.Argument(
            help="Deal files or folders (searched for *.yaml and *.yml). Default: deals/",
            metavar="PATH",
            readable=False,
        ),
    ] = None,
    output_format: Annotated[
        CheckFormat,
        typer.Option(
            "--format",
            "-f",
            help="text: one line per problem; json: an array; github: Actions annotations "
            "(and a step summary); junit: JUnit XML; sarif: SARIF 2.1.0.",
        ),
    ] = CheckFormat.text,
    strict: Annotated[
        bool, typer.Option("--strict", metavar="", help="Fail (exit 1) on warnings too.")
    ] = False,
    max_total: Annotated[str | None, _gate("max-total", "fail")] = None,
    warn_max_total: Annotated[str | None, _gate("max-total", "warn")] = None,
    max_monthly: Annotated[str | None, _gate("max-monthly", "fail")] = None,
    warn_max_monthly: Annotated[str | None, _gate("max-monthly", "warn")] = None,
    min_committed: Annotated[str | None, _gate("min-committed", "fail")] = None,
    warn_min_committed: Annotated[str | None, _gate("min-committed", "warn")] = None,
    max_gpu_hour: Annotated[str | None, _gate("max-gpu-hour", "fail")] = None,
    warn_max_gpu_hour: Annotated[str | None, _gate("max-gpu-hour", "warn")] = None,
    min_irr: Annotated[str | None, _gate("min-irr", "fail")] = None,
    warn_min_irr: Annotated[str | None, _gate("min-irr", "warn")] = None,
    workers: WorkersOption = None,
    show_config: Annotated[
        bool,
        typer.Option(
            "--show-config",
            help="Print each policy limit and where it came from (flag, environment, file); "
            "check nothing.",
        ),
    ] = False,
) -> None:
    """Validate deal files, check them against their reported figures, and gate them on a policy.

    A policy sets limits a deal must keep (--max-total 10B, --min-irr 12%...), each
    with a warn level (--warn-max-total) and a fail level; the same keys may be set in
    LEASE_* environment variables, or in lease.toml or pyproject.toml's
    [tool.computelease] found upward from here. A flag wins over the environment,
    which wins over the file.
    """
    from computelease import api

    limits = _policy(ctx, show=show_config)
    if not paths and not Path("deals").is_dir():
        raise UsageError("no paths given and there is no deals/ folder here")
    run = api.check(paths or ["deals"], limits, workers=workers)
    _diagnose(run.problems, debug=_debug_requested(ctx), lines=False)
    _check_report(run, output_format)
    raise typer.Exit(_exit(run.problems, strict=strict))


@app.command(epilog=EXIT_CODES_HELP)
@guarded
def calc(
    ctx: typer.Context,
    deals: DealsArgument,
    output_format: WorkbookFormatOption = WorkbookFormat.table,
    output: OutputOption = None,
    svg: SvgOption = None,
    html: HtmlOption = None,
    as_of: AsOfOption = None,
    rate: RateOption = None,
    exact: ExactOption = False,
    currency_symbol: SymbolOption = True,
    scenario: ScenarioNameOption = None,
) -> None:
    """Totals, present value, committed value, unit economics, checks and breakeven."""
    from computelease import api, arguments

    result = api.analyse(deals, arguments.settings(as_of, rate), scenario=scenario)
    options = _options(exact, currency_symbol, output, output_format, svg or html)
    _finish(ctx, result, lambda r, value: r.calc(value, options), output_format, output)


@app.command(epilog=EXIT_CODES_HELP)
@guarded
def schedule(
    ctx: typer.Context,
    deal: DealArgument,
    by: PeriodOption = None,
    with_options: OptionsFlag = False,
    debt: DebtFlag = False,
    output_format: WorkbookFormatOption = WorkbookFormat.table,
    output: OutputOption = None,
    svg: SvgOption = None,
    html: HtmlOption = None,
    as_of: AsOfOption = None,
    rate: RateOption = None,
    exact: ExactOption = False,
    currency_symbol: SymbolOption = True,
) -> None:
    """Every payment: stream, period, date, amount, cumulative, discount factor and PV."""
    from computelease import api, arguments

    period = arguments.period(_choice("--by", by, ("month", "quarter", "year")))
    settings = arguments.settings(as_of, rate)
    result = api.schedule(deal, settings, by=period, with_options=with_options, debt=debt)
    options = _options(exact, currency_symbol, output, output_format, svg or html)
    _finish(ctx, result, lambda r, value: r.schedule(value, options), output_format, output)


@app.command(epilog=EXIT_CODES_HELP)
@guarded
def breakeven(
    ctx: typer.Context,
    deal: DealArgument,
    output_format: WorkbookFormatOption = WorkbookFormat.table,
    output: OutputOption = None,
    svg: SvgOption = None,
    html: HtmlOption = None,
    as_of: AsOfOption = None,
    rate: RateOption = None,
    exact: ExactOption = False,
    currency_symbol: SymbolOption = True,
) -> None:
    """Lessor payback, NPV and IRR; lease against buy; the lease against the market."""
    from computelease import api, arguments

    result = api.breakeven(deal, arguments.settings(as_of, rate))
    options = _options(exact, currency_symbol, output, output_format, svg or html)
    _finish(ctx, result, lambda r, value: r.breakeven(value, options), output_format, output)


@app.command(name="scenario", epilog=EXIT_CODES_HELP)
@guarded
def scenario_command(
    ctx: typer.Context,
    deal: DealArgument,
    name: NameOption = None,
    delay: DelayOption = None,
    extend: ExtendFlag = False,
    terminate: TerminateOption = None,
    delivered: DeliveredOption = None,
    uptime: UptimeOption = None,
    market_gpu_hour: MarketPriceOption = None,
    market_decline: MarketDeclineOption = None,
    set_: SetOption = None,
    output_format: FormatOption = OutputFormat.table,
    output: OutputOption = None,
    svg: SvgOption = None,
    html: HtmlOption = None,
    as_of: AsOfOption = None,
    rate: RateOption = None,
    exact: ExactOption = False,
    currency_symbol: SymbolOption = True,
) -> None:
    """The deal beside a scenario (a slip, an early exit, a shortfall...), with the differences.

    --rate values both sides; a scenario that changes the rate itself does so
    with --set assumptions.discount_rate=8%.
    """
    from computelease import api, arguments

    flags: dict[str, Any] = {"delay": delay, "extend": extend or None, "terminate": terminate}
    flags |= {"delivered": delivered, "uptime": uptime, "market_gpu_hour": market_gpu_hour}
    flags |= {"market_decline": market_decline, "set": arguments.pairs(set_ or []) or None}
    overrides = arguments.scenario(flags, merged=name is not None)
    if name is None and overrides is None:
        raise UsageError("give a scenario: --name NAME, or overrides such as --delay 3m")
    result = api.scenario(deal, overrides, arguments.settings(as_of, rate), name=name)
    options = _options(exact, currency_symbol, output, output_format, svg or html)
    _finish(ctx, result, lambda r, value: r.scenario(value, options), output_format, output)


@app.command(epilog=EXIT_CODES_HELP)
@guarded
def sensitivity(
    ctx: typer.Context,
    deal: DealArgument,
    vary: VaryOption,
    metric: MetricOption = "npv_lessor",
    output_format: FormatOption = OutputFormat.table,
    output: OutputOption = None,
    chart_file: Annotated[
        Path | None,
        typer.Option(
            "--chart",
            metavar="FILE",
            readable=False,
            help="Also draw a two-way grid as a heat map, FILE.svg or FILE.png (needs matplotlib).",
        ),
    ] = None,
    svg: SvgOption = None,
    html: HtmlOption = None,
    as_of: AsOfOption = None,
    rate: RateOption = None,
    exact: ExactOption = False,
    currency_symbol: SymbolOption = True,
) -> None:
    """A one- or two-way grid of a metric, like a spreadsheet data table.

    Inputs: discount_rate, market_gpu_hour, market_decline, uptime, delivered,
    delay (3m, 90d), or a numeric field path such as payments[0].amount.
    Metrics: total, total_with_options, months, average_monthly, present_value,
    committed_value, npv_lessor, npv_lessor_walkaway, irr_lessor, payback_months,
    unrecovered_capex, lessor_end_value, pv_lease, lease_advantage, price_per_gpu_hour,
    price_per_kw_month, overpay_market; with a loan irr_equity, npv_equity, min_dscr,
    debt_at_end, lender_loss; with the tenant's credit credit_adjusted_value,
    expected_value, expected_loss, funding_months.
    """
    from computelease import api, arguments

    if not 1 <= len(vary) <= 2:
        raise UsageError("--vary: give one input (a one-way grid) or two (a two-way grid)")
    axes = [arguments.axis(text) for text in vary]
    settings = arguments.settings(as_of, rate)
    result = api.sensitivity(deal, metric, axes[0], axes[1] if axes[1:] else None, settings)
    options = _options(exact, currency_symbol, output, output_format, svg or html)
    _finish(ctx, result, lambda r, value: r.sensitivity(value, options), output_format, output)


@app.command(epilog=EXIT_CODES_HELP)
@guarded
def compare(
    ctx: typer.Context,
    deals: DealsArgument,
    by: BookOption = None,
    lessor: LessorOption = None,
    currency: CurrencyOption = None,
    fx: FxOption = None,
    output_format: WorkbookFormatOption = WorkbookFormat.table,
    output: OutputOption = None,
    svg: SvgOption = None,
    html: HtmlOption = None,
    as_of: AsOfOption = None,
    rate: RateOption = None,
    exact: ExactOption = False,
    currency_symbol: SymbolOption = True,
    workers: WorkersOption = None,
) -> None:
    """Deals side by side, or (--by year) a lessor's book of revenue by year."""
    from computelease import api, arguments

    yearly = _choice("--by", by, ("year",)) is not None
    settings = arguments.settings(as_of, rate)
    code, rates = arguments.currency(currency), arguments.fx(fx or [])
    options = _options(exact, currency_symbol, output, output_format, svg or html)
    if yearly:
        book = api.book(deals, settings, currency=code, fx=rates, lessor=lessor, workers=workers)
        _finish(ctx, book, lambda r, value: r.book(value, options), output_format, output)
    table = api.compare(deals, settings, currency=code, fx=rates, lessor=lessor, workers=workers)
    _finish(ctx, table, lambda r, value: r.compare(value, options), output_format, output)


PathsOption = Annotated[
    int,
    typer.Option("--paths", metavar="N", help="Paths to simulate (default 10,000).", min=1),
]
SeedOption = Annotated[
    int,
    typer.Option(
        "--seed", metavar="S", help="The simulation's seed: the same seed, the same figures.", min=0
    ),
]
RiskByOption = Annotated[
    str | None,
    typer.Option(
        "--by",
        metavar="lessor",
        help="lessor: each lessor's deals as one book on one market.",
        autocompletion=_words("lessor"),
    ),
]


@app.command(epilog=EXIT_CODES_HELP)
@guarded
def risk(
    ctx: typer.Context,
    deals: DealsArgument,
    paths: PathsOption = 10_000,
    seed: SeedOption = 0,
    workers: WorkersOption = None,
    by: RiskByOption = None,
    output_format: FormatOption = OutputFormat.table,
    output: OutputOption = None,
    svg: SvgOption = None,
    html: HtmlOption = None,
    as_of: AsOfOption = None,
    rate: RateOption = None,
    exact: ExactOption = False,
    currency_symbol: SymbolOption = True,
) -> None:
    """The four risks as distributions: a seeded Monte Carlo of delivery, counterparty,
    pricing and operations, with a tornado, for one deal or (--by lessor) a book.

    Each deal's `risk` block drives it; what the block leaves out takes a
    documented default, and the report says which. Simulated figures are
    float64; the "deal as written" column is the exact figure.
    """
    from computelease import api, arguments

    book = _choice("--by", by, ("lessor",)) is not None
    settings = arguments.settings(as_of, rate)
    result = api.risk(deals, settings, paths=paths, seed=seed, workers=workers, book=book)
    options = _options(exact, currency_symbol, output, output_format, svg or html)
    _finish(ctx, result, lambda r, value: r.risk(value, options), output_format, output)


@app.command(epilog=EXIT_CODES_HELP)
@guarded
def schema(output: OutputOption = None) -> None:
    """The JSON Schema (draft-07) of the deal format, for editors and other tools.

    Save it beside your deals and start each deal file with
    `# yaml-language-server: $schema=deal.schema.json`: VS Code's YAML
    extension, Neovim and Helix then complete fields and flag wrong ones as
    you type. `lease check` still has the last word (cross-field rules).
    """
    import json

    from computelease import api

    _emit(json.dumps(api.schema(), indent=2, ensure_ascii=False) + "\n", output, [])


@app.command(epilog=EXIT_CODES_HELP)
@guarded
def account(
    ctx: typer.Context,
    deal: Annotated[str, typer.Argument(help="The deal file.", metavar="DEAL")],
    standard: Annotated[
        str | None,
        typer.Option(
            "--standard",
            metavar="STANDARD",
            help="asc842 or ifrs16, instead of the deal's accounting.standard.",
            autocompletion=lambda: ["asc842", "ifrs16"],
        ),
    ] = None,
    output_format: FormatOption = OutputFormat.table,
    output: OutputOption = None,
    svg: SvgOption = None,
    html: HtmlOption = None,
    as_of: AsOfOption = None,
    rate: RateOption = None,
    exact: ExactOption = False,
    currency_symbol: SymbolOption = True,
) -> None:
    """The tenant's books: ASC 842 or IFRS 16 lease liability, right-of-use asset and entries.

    The liability at commencement and month by month, the asset and the expense,
    the current / non-current split and the maturity analysis at --as-of, the
    journal entries, and the questions of whether the contract holds a lease.
    --rate is the borrowing rate, instead of accounting.rate.
    """
    from computelease import api, arguments

    result = api.account(deal, arguments.settings(as_of, rate), standard=standard)
    options = _options(exact, currency_symbol, output, output_format, svg or html)
    _finish(ctx, result, lambda r, value: r.account(value, options), output_format, output)


@app.command(epilog=EXIT_CODES_HELP)
@guarded
def reconcile(
    ctx: typer.Context,
    deal: Annotated[str, typer.Argument(help="The deal file.", metavar="DEAL")],
    actuals: Annotated[
        str,
        typer.Argument(
            help="A CSV of payments: date, amount; optionally stream, credit, uptime, reference.",
            metavar="ACTUALS.csv",
        ),
    ],
    grace_days: Annotated[
        int,
        typer.Option("--grace-days", metavar="DAYS", help="Days after a due date still on time."),
    ] = 0,
    output_format: FormatOption = OutputFormat.table,
    output: OutputOption = None,
    svg: SvgOption = None,
    html: HtmlOption = None,
    as_of: AsOfOption = None,
    exact: ExactOption = False,
    currency_symbol: SymbolOption = True,
) -> None:
    """Actual payments against the contract: each missing, late, duplicated, short or
    over-billed payment, the SLA credits owed against those granted, and the variance.

    Exit 1 when any finding is an error, so CI can gate a ledger export. The
    reporting date is --as-of, or the last actual's date.
    """
    from computelease import api, arguments

    settings = arguments.settings(as_of, None)
    result = api.reconcile(deal, actuals, settings, grace_days=grace_days)
    options = _options(exact, currency_symbol, output, output_format, svg or html)
    _finish(ctx, result, lambda r, value: r.reconcile(value, options), output_format, output)


@app.command(
    epilog="Exit codes: 0 no term differs; 1 a term differs (as diff does), or a deal is "
    "invalid; 2 usage error (a path, or a git ref that does not hold the file); 3 internal "
    "error; 130 interrupted."
)
@guarded
def diff(
    ctx: typer.Context,
    old: Annotated[str, typer.Argument(help="The deal as it was.", metavar="OLD")],
    new: Annotated[
        str | None,
        typer.Argument(help="The deal as it is now (not with --against).", metavar="[NEW]"),
    ] = None,
    against: Annotated[
        str | None,
        typer.Option(
            "--against",
            metavar="REF",
            help="Compare OLD with its own version at a git ref (main, HEAD~1, a tag).",
        ),
    ] = None,
    output_format: FormatOption = OutputFormat.table,
    output: OutputOption = None,
    svg: SvgOption = None,
    html: HtmlOption = None,
    as_of: AsOfOption = None,
    rate: RateOption = None,
    exact: ExactOption = False,
    currency_symbol: SymbolOption = True,
) -> None:
    """What a renegotiation changes: each term that differs, and the effect on the figures.

    Total, committed value, present value, price per GPU-hour, the lessor's NPV,
    IRR and payback, old and new, with the change and the change in percent.
    `--format markdown` is a pull-request comment.
    """
    from computelease import api, arguments

    result = api.diff(old, new, arguments.settings(as_of, rate), against=against)
    options = _options(exact, currency_symbol, output, output_format, svg or html)
    show = functools.partial(_show_diff, options=options)
    # As diff does: exit 1 when a term differs.
    _finish(ctx, result, show, output_format, output, verdict=lambda d: int(not d.equal))


def _show_diff(r: Renderer, value: Any, *, options: RenderOptions) -> Rendered:
    return r.diff(value, options)


@app.command(epilog=EXIT_CODES_HELP)
@guarded
def report(
    ctx: typer.Context,
    deal: Annotated[str, typer.Argument(help="The deal file.", metavar="DEAL")],
    output: OutputOption = None,
    as_of: AsOfOption = None,
    rate: RateOption = None,
) -> None:
    """One self-contained HTML page of a deal, to email: calc's and breakeven's figures and
    charts (inline SVG; nothing fetched). Charts need matplotlib ('computelease[charts]')."""
    from computelease import api, arguments

    result = api.report(deal, arguments.settings(as_of, rate))
    _diagnose(result.problems, debug=_debug_requested(ctx))
    if result.value is not None:
        _emit(result.value, output, result.files)
    raise typer.Exit(_exit(result.problems))


#: What lease chart draws (the API's list, kept here so completion imports nothing).
CHART_KINDS = ("cumulative", "by-year", "market", "book", "histogram", "tornado")


@app.command(epilog=EXIT_CODES_HELP)
@guarded
def chart(
    ctx: typer.Context,
    kind: Annotated[
        str,
        typer.Argument(
            help="cumulative, by-year, market, book, histogram or tornado.",
            metavar="KIND",
            autocompletion=lambda: [
                "cumulative",
                "by-year",
                "market",
                "book",
                "histogram",
                "tornado",
            ],
        ),
    ],
    deals: DealsArgument,
    output: Annotated[
        Path,
        typer.Option(
            "--output", "-o", metavar="FILE", help="FILE.svg or FILE.png.", readable=False
        ),
    ],
    lessor: Annotated[
        str | None, typer.Option("--lessor", help="book: this lessor's deals.")
    ] = None,
    paths: PathsOption = 2_000,
    seed: SeedOption = 0,
    as_of: AsOfOption = None,
    rate: RateOption = None,
) -> None:
    """A chart as an SVG or PNG file (needs matplotlib: pip install 'computelease[charts]').

    cumulative: the lessor's cash against its costs, payback marked; by-year: the
    payments by year; market: the market price against the lease's; book: a
    lessor's deals stacked by year; histogram and tornado: lease risk's NPV.
    """
    from computelease import api, arguments

    fmt = _chart_format(output)
    settings = arguments.settings(as_of, rate)
    result = api.chart(kind, deals, settings, fmt=fmt, lessor=lessor, paths=paths, seed=seed)
    _diagnose(result.problems, debug=_debug_requested(ctx))
    if result.value is not None:
        _save(output, result.value, result.files)
    raise typer.Exit(_exit(result.problems))


def _chart_format(output: Path) -> Literal["svg", "png"]:
    suffix = output.suffix.lower().lstrip(".")
    if suffix not in ("svg", "png"):
        raise UsageError(f"--output: a chart is .svg or .png, not {output.name!r}")
    return "svg" if suffix == "svg" else "png"


def _save(output: Path, data: bytes, inputs: Sequence[str]) -> None:
    from computelease.output import write_atomic

    write_atomic(output, data, [Path(p) for p in inputs])


def _term(key: str, help_text: str) -> Any:
    return typer.Option(f"--{key}", help=help_text, show_default=False)


@app.command(epilog=EXIT_CODES_HELP)
@guarded
def new(
    ctx: typer.Context,
    path: Annotated[
        Path,
        typer.Argument(help="The deal file to create; it must not exist.", metavar="FILE.yaml"),
    ],
    name: Annotated[str | None, _term("name", "What the deal is called.")] = None,
    lessor: Annotated[str | None, _term("lessor", "Who provides the capacity.")] = None,
    lessee: Annotated[str | None, _term("lessee", "Who pays for it.")] = None,
    start: Annotated[str | None, _term("start", "First day of service, YYYY-MM-DD.")] = None,
    months: Annotated[str | None, _term("months", "Term in months (default 36).")] = None,
    amount: Annotated[str | None, _term("amount", "Payment each period ($10M).")] = None,
    every: Annotated[str | None, _term("every", "month, quarter or year.")] = None,
    gpus: Annotated[str | None, _term("gpus", "GPUs leased (default: none given).")] = None,
) -> None:
    """A commented starter deal that passes `lease check`, with the schema line for editors.

    On a terminal it asks for each term a flag did not give (Enter keeps the
    default shown); otherwise it takes the flags and defaults and never asks.
    It never writes over a file. Without a deal.schema.json in the file's
    folder or one above it, it writes one beside the file.
    """
    from computelease import api

    result = api.new_deal(path, _starter_answers(ctx.params))
    _diagnose(result.problems, debug=_debug_requested(ctx))
    if result.value is not None:
        _created(result.value)
    raise typer.Exit(_exit(result.problems))


def _starter_answers(params: dict[str, Any]) -> dict[str, str]:
    """The terms the flags give; on a terminal, the others asked for, each checked as typed."""
    from datetime import date

    from computelease import starter

    answers = {q.key: params[q.key] for q in starter.QUESTIONS if params.get(q.key) is not None}
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        return answers
    defaults = starter.defaults(date.today())
    for question in starter.QUESTIONS:
        if question.key not in answers:
            answers[question.key] = typer.prompt(
                question.prompt, default=defaults[question.key], value_proc=_checked(question)
            )
    return answers


def _checked(question: Any) -> Callable[[str], str]:
    """A prompt's answer, read as the term's field reads it: refused, it is asked again."""
    from computelease.errors import FieldError

    def check(value: str) -> str:
        try:
            question.read(value)
        except FieldError as exc:
            raise typer.BadParameter(exc.message) from None
        return value

    return check


def _created(made: Any) -> None:
    if made.schema_written is not None:
        _err(f"lease: wrote {made.schema_written}, the schema your editor reads")
    _err(f"lease: wrote {made.path}; next: lease check {made.path}")


def _check_report(run: Any, output_format: CheckFormat) -> None:
    """The findings on stdout in the format asked for (text coloured on a terminal)."""
    from computelease.output import coloured
    from computelease.render import reporter

    report = reporter(output_format).check(run)
    _out(coloured(report, sys.stdout) if output_format is CheckFormat.text else report)
    if output_format is CheckFormat.github:
        _step_summary(run)


def _step_summary(run: Any) -> None:
    """Append the findings to GitHub's job summary, when the runner says where it is."""
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if not target:
        return
    from computelease.render import github

    try:
        with open(target, "a", encoding="utf-8") as handle:
            handle.write(github.summary(run))
    except OSError as exc:
        _err(f"lease: warning: could not write the step summary to {target}: {exc.strerror}")


def _choice(option: str, value: str | None, choices: Sequence[str]) -> str | None:
    """An option that takes one of a few words; a usage error says which."""
    if value is None or value in choices:
        return value
    import difflib

    close = difflib.get_close_matches(value, choices, n=1)
    hint = f"; did you mean {close[0]}?" if close else ""
    expected = " or ".join(choices) if len(choices) <= 3 else "one of " + ", ".join(choices)
    raise UsageError(f"{option}: expected {expected}; got {value!r}{hint}")


#: Formats for programs: nothing in them is laid out to a page's width.
_UNPAGED: Final = frozenset({"json", "csv", "xlsx"})


def _options(
    exact: bool,
    symbol: bool,
    output: Path | None,
    output_format: OutputFormat | WorkbookFormat,
    snapshot: Path | None = None,
) -> RenderOptions:
    from computelease.output import page_width, stdout_is_unicode
    from computelease.render.options import RenderOptions

    # Measuring the page needs rich's console, which a script's JSON need never load; a
    # snapshot (--svg, --html) is the table as the terminal shows it, laid out for the page.
    paged = output_format.value not in _UNPAGED or snapshot is not None
    return RenderOptions(
        exact=exact,
        symbol=symbol,
        unicode=output is not None or stdout_is_unicode(),
        width=page_width(terminal=output is None) if paged else None,
    )


def _finish(
    ctx: typer.Context,
    result: Result[T],
    show: Callable[[Renderer, T], Rendered],
    output_format: OutputFormat | WorkbookFormat,
    output: Path | None,
    *,
    verdict: Callable[[T], int] | None = None,
) -> NoReturn:
    """Report the problems, render what was computed, and exit with the code they call for.

    ``verdict`` gives a command's own exit code for a result without problems (``lease
    diff``: 1 when the deals differ).
    """
    from computelease.render import renderer

    if output_format == WorkbookFormat.xlsx and output is None:
        raise UsageError("--format xlsx writes a workbook: give --output FILE.xlsx")
    _diagnose(result.problems, debug=_debug_requested(ctx))
    if result.value is not None:
        value = result.value
        if output_format == WorkbookFormat.xlsx:
            _workbook(str(ctx.command.name), value, output, result.files)
        else:
            _emit(show(renderer(OutputFormat(output_format)), value), output, result.files)
        _snapshots(ctx, lambda: show(renderer(OutputFormat.table), value), result.files, value)
    code = _exit(result.problems)
    if not code and verdict is not None and result.value is not None:
        code = verdict(result.value)
    raise typer.Exit(code)


def _heatmap(target: Path, grid: Any, inputs: Sequence[str]) -> None:
    """--chart on a sensitivity grid: the grid as a heat map."""
    from computelease.render import charts

    try:
        data = charts.heatmap(grid, _chart_format(target))
    except charts.ChartError as exc:
        raise UsageError(f"--chart: {exc}") from None
    _save(target, data, inputs)


def _workbook(command: str, value: Any, output: Path | None, inputs: Sequence[str]) -> None:
    """``--format xlsx``: the command's workbook, written atomically to ``--output``."""
    from computelease.output import write_atomic
    from computelease.render import xlsx
    from computelease.render.options import RenderOptions

    assert output is not None  # checked before anything was computed
    data = getattr(xlsx, command)(value, RenderOptions())
    write_atomic(output, data, [Path(p) for p in inputs])


def _snapshots(
    ctx: typer.Context, table: Callable[[], Rendered], inputs: Sequence[str], value: Any = None
) -> None:
    """--svg and --html: the table as the terminal shows it, recorded to files; --chart: a
    sensitivity grid as a heat map."""
    chart_file = ctx.params.get("chart_file")
    if chart_file is not None:
        _heatmap(chart_file, value, inputs)
    svg, html = ctx.params.get("svg"), ctx.params.get("html")
    if svg is None and html is None:
        return
    from computelease.output import snapshot

    snapshot(table(), svg=svg, html=html, inputs=[Path(p) for p in inputs])


def _exit(problems: Sequence[Problem], *, strict: bool = False) -> int:
    from computelease.errors import exit_code

    return int(exit_code(problems, strict=strict))


def _diagnose(problems: Sequence[Problem], *, debug: bool, lines: bool = True) -> None:
    """Problems go to stderr, one line each, so stdout stays clean data.

    An internal error's traceback follows it under ``--debug`` only: it holds
    the code's frames, never the deal's values.
    """
    if problems and lines:
        from computelease.output import coloured
        from computelease.render import text as render_text

        _err(coloured(render_text.problems(problems), sys.stderr))
    details = [p.detail for p in problems if p.detail]
    if debug:
        for detail in details:
            _err(detail)
    elif details:
        _err("lease: run again with --debug to see the traceback of each internal error")


def _emit(rendered: Rendered, output: Path | None, inputs: Sequence[str]) -> None:
    from computelease.output import to_text, write_atomic

    text = rendered if isinstance(rendered, str) else to_text(rendered, terminal=output is None)
    if output is not None:
        write_atomic(output, text, [Path(p) for p in inputs])
    else:
        _out(text)


def _out(text: str) -> None:
    """Write data to stdout; if the reader has gone (``| head``), drop the rest quietly.

    A stdout that is closed (``>&-``) or cannot take the data (``>/dev/full``)
    is a usage error that says so, not a bug.
    """
    stream = sys.stdout
    if stream is None:
        raise UsageError("cannot write to standard output: it is closed")
    try:
        stream.write(text)
        stream.flush()
    except BrokenPipeError:
        # Point stdout at /dev/null so later writes and the final flush succeed;
        # the command still ends with its own exit code.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())
    except (OSError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        _silence(stream)
        raise UsageError(f"cannot write to standard output: {reason.lower()}") from None


def _silence(stream: Any) -> None:
    """Point a stream that failed at /dev/null, so the interpreter's last flush cannot fail."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), stream.fileno())


def _err(text: str) -> None:
    stream = sys.stderr
    if stream is None:
        return  # nowhere to say it; the exit code still does
    try:
        stream.write(text if text.endswith("\n") else text + "\n")
        stream.flush()
    except (OSError, ValueError):
        _silence(stream)


def main() -> None:
    """Entry point of ``lease`` and ``python -m computelease``."""
    # Commands have their own boundary (guarded); this one catches what happens
    # around them, while options are parsed and callbacks run.
    for stream in (sys.stdout, sys.stderr):
        # On an ASCII-only terminal (PYTHONIOENCODING=ascii) a euro sign becomes \u20ac
        # instead of a UnicodeEncodeError.
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
    try:
        app(prog_name="lease")
    except KeyboardInterrupt:
        _err("lease: interrupted")
        sys.exit(ExitCode.INTERRUPTED)
    except LeaseError as exc:  # from an option's callback: --version to a full disk
        _err(f"lease: error: {exc}")
        sys.exit(exc.exit_code)
    except OSError as exc:
        # Around the commands only click writes (help, usage): a stdout that cannot take it.
        _silence(sys.stdout)
        reason = str(exc.strerror or exc).lower()
        _err(f"lease: error: cannot write to standard output: {reason}")
        sys.exit(ExitCode.USAGE)
    except Exception:
        _internal_error(debug="--debug" in sys.argv)
        sys.exit(ExitCode.INTERNAL)
