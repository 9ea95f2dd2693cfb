"""Problems as data, the stable diagnostic codes, the exception hierarchy and exit codes.

Every problem ``lease`` can find in a deal file is a :class:`Problem` record with
a file, line, column, severity and a stable code, so that a run reports all of
them at once (the way ``bean-check`` does) and scripts can match on codes.
The codes are listed once, here, and documented in ``deals/README.md``; a test
keeps the two in step.

Exceptions form one hierarchy rooted at :class:`LeaseError`. Only the command
line boundary turns them into messages and :class:`ExitCode` values.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum, StrEnum


class ExitCode(IntEnum):
    """Process exit codes, the same for every command."""

    OK = 0
    INVALID = 1
    USAGE = 2
    INTERNAL = 3
    INTERRUPTED = 130


class Severity(StrEnum):
    """How much a problem matters: errors fail a check, warnings fail only ``--strict``."""

    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"


@dataclass(frozen=True, slots=True)
class Code:
    """A stable diagnostic code such as ``E202``; the letter gives the severity.

    ``usage`` marks the codes that say the request was wrong rather than a
    deal: a path that cannot be read, a scenario or an input the deal does not
    have. The command line exits 2 for them, as for a bad option.
    """

    id: str
    title: str
    usage: bool = False

    @property
    def severity(self) -> Severity:
        return {"E": Severity.ERROR, "W": Severity.WARNING, "N": Severity.NOTE}[self.id[0]]


class Codes:
    """Every diagnostic code, by name. Codes never change meaning once released."""

    # E0xx: the file itself.
    UNREADABLE = Code("E001", "file cannot be read", usage=True)
    FILE_TOO_LARGE = Code("E002", "file is larger than the size limit")
    NOT_UTF8 = Code("E003", "file is not valid UTF-8")
    NO_DEALS = Code("E004", "no deal files found", usage=True)
    FILE_EXISTS = Code("E005", "the file to create already exists", usage=True)
    # E1xx: YAML syntax and structure.
    YAML_SYNTAX = Code("E101", "YAML syntax error")
    EMPTY = Code("E102", "file holds no deal")
    MULTIPLE_DOCUMENTS = Code("E103", "more than one YAML document")
    NOT_A_MAPPING = Code("E104", "top level is not a mapping")
    DUPLICATE_KEY = Code("E105", "duplicate key")
    TAG = Code("E106", "YAML tag not allowed")
    ALIAS_BOMB = Code("E107", "aliases expand past the size bound")
    TOO_DEEP = Code("E108", "nesting too deep")
    MERGE_KEY = Code("E109", "merge key not supported")
    BAD_KEY = Code("E110", "key is not text")
    # E2xx: schema, one field at a time.
    MISSING = Code("E201", "required field missing")
    UNKNOWN_KEY = Code("E202", "unknown key")
    WRONG_TYPE = Code("E203", "wrong kind of value")
    BAD_MONEY = Code("E204", "invalid amount of money")
    BAD_RATE = Code("E205", "invalid rate")
    BAD_DATE = Code("E206", "invalid date")
    BAD_CHOICE = Code("E207", "not one of the allowed values")
    BAD_NUMBER = Code("E208", "invalid number")
    BAD_TEXT = Code("E209", "invalid text")
    CURRENCY_MISMATCH = Code("E210", "currency mark does not match the deal's currency")
    OUT_OF_RANGE = Code("E211", "value out of range")
    BAD_BOOL = Code("E212", "invalid true/false value")
    UNKNOWN_CURRENCY = Code("E213", "unknown currency code")
    BAD_VERSION = Code("E214", "unsupported format version")
    # E3xx: consistency between fields, and limits on the work a deal may ask for.
    END_BEFORE_START = Code("E301", "term ends before it starts")
    TERM_SPEC = Code("E302", "give exactly one of end or months")
    OUTSIDE_TERM = Code("E303", "date outside the term")
    AMOUNT_SPEC = Code("E304", "give exactly one of amount or per_gpu_hour")
    NEEDS_INPUT = Code("E305", "field needs another field")
    TERM_TOO_LONG = Code("E306", "term too long or past the last supported date")
    TOO_MANY_ROWS = Code("E307", "too many schedule rows")
    PAYMENT_TOO_LARGE = Code("E308", "a payment exceeds the largest supported amount")
    PREPAYMENT_EXCEEDS = Code("E309", "prepayment exceeds the payments it is credited against")
    TOO_MUCH_WORK = Code("E310", "the deal and its scenarios ask for too much work")
    ONE_OF = Code("E311", "give one of these fields, not several")
    UNKNOWN_TRANCHE = Code("E312", "no tranche of that name")
    DOES_NOT_APPLY = Code("E313", "a field that does not apply here")
    # E4xx: reported figures that the computation contradicts.
    REPORTED_TOTAL = Code("E401", "reported total does not match the computed total")
    REPORTED_MONTHLY = Code("E402", "reported monthly figure does not match")
    REPORTED_MONTHS = Code("E403", "reported term in months does not match")
    REPORTED_DATE = Code("E404", "reported start or end does not match")
    REPORTED_CAPACITY = Code("E405", "capacity differs from the reported capacity")
    # E5xx: what was asked of a deal that it cannot do (usage errors: exit 2).
    UNKNOWN_SCENARIO = Code("E501", "no scenario of that name", usage=True)
    NOT_APPLICABLE = Code("E502", "the deal cannot take this input", usage=True)
    NO_FX_RATE = Code("E503", "no exchange rate for a currency", usage=True)
    NOTHING_TO_COMPARE = Code("E504", "no deal to compare", usage=True)
    UNKNOWN_METRIC = Code("E505", "unknown metric", usage=True)
    ONE_DEAL = Code("E506", "one deal file expected", usage=True)
    BAD_SETTING = Code("E507", "a setting or an input given is out of range", usage=True)
    GIT_REF = Code("E508", "the file cannot be had at that git ref", usage=True)
    # E6xx: a policy's limits (lease check's gates), crossed at their fail level.
    GATE_TOTAL = Code("E601", "total above the policy's maximum")
    GATE_MONTHLY = Code("E602", "monthly fee above the policy's maximum")
    GATE_COMMITTED = Code("E603", "committed share below the policy's minimum")
    GATE_GPU_HOUR = Code("E604", "price per GPU-hour above the policy's maximum")
    GATE_IRR = Code("E605", "lessor IRR below the policy's minimum")
    # E7xx: actuals against the contract (lease reconcile).
    ACTUALS_ROW = Code("E701", "a row of the actuals file cannot be read")
    PAYMENT_MISSING = Code("E702", "a scheduled payment was not paid")
    PAYMENT_DUPLICATE = Code("E704", "a payment was made twice")
    PAYMENT_OVER = Code("E705", "more was paid than was due")
    PAYMENT_SHORT = Code("E706", "less was paid than was due")
    PAYMENT_UNEXPECTED = Code("E707", "a payment matches nothing the contract schedules")
    # E9xx: lease itself.
    INTERNAL = Code("E900", "internal error: a bug in lease")
    # Warnings and notes.
    SKIPPED = Code("W001", "entry skipped: not a regular file")
    NO_SCENARIO = Code("W002", "deal skipped: it has no scenario of that name")
    NO_SOURCE = Code("W401", "reported figures without a source")
    COVENANT_BREACH = Code("W402", "the loan's DSCR falls below its covenant")
    GATE_UNCHECKED = Code("W600", "a policy gate cannot be checked on this deal")
    PAYMENT_LATE = Code("W703", "a payment was made after its due date")
    CREDIT_MISMATCH = Code("W708", "the SLA credit granted differs from the credit owed")
    GATE_TOTAL_WARN = Code("W601", "total above the policy's warning level")
    GATE_MONTHLY_WARN = Code("W602", "monthly fee above the policy's warning level")
    GATE_COMMITTED_WARN = Code("W603", "committed share below the policy's warning level")
    GATE_GPU_HOUR_WARN = Code("W604", "price per GPU-hour above the policy's warning level")
    GATE_IRR_WARN = Code("W605", "lessor IRR below the policy's warning level")
    CAP_BINDS = Code("N401", "the cap cuts the scheduled total")


def all_codes() -> tuple[Code, ...]:
    """Every code, in the order declared."""
    return tuple(v for v in vars(Codes).values() if isinstance(v, Code))


@dataclass(frozen=True, slots=True)
class Problem:
    """One finding in one file: where it is, how bad it is, and what to do about it.

    ``line`` and ``column`` are 1-based, as editors show them; either may be
    ``None`` when the problem belongs to the whole file. ``file`` is ``None``
    for a problem with the request itself ("no deal has a scenario of that
    name"). ``field`` is the dotted path of the offending field
    (``payments[0].amount``) when known.
    """

    file: str | None
    line: int | None
    column: int | None
    code: Code
    message: str
    field: str | None = None
    #: For an internal error (E900) only: the traceback, which ``--debug`` shows.
    detail: str | None = None

    @property
    def severity(self) -> Severity:
        return self.code.severity

    @property
    def location(self) -> str:
        """``file:line:col`` as far as known; empty for a problem with the request."""
        if self.file is None:
            return ""
        parts = [self.file]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def __str__(self) -> str:
        where = f"{self.location}: " if self.file is not None else ""
        return f"{where}{self.severity}[{self.code.id}]: {self.message}"


def exit_code(problems: Sequence[Problem], *, strict: bool = False) -> ExitCode:
    """3 for a bug, 2 for a usage problem, 1 for an error (or a warning under ``strict``), or 0."""
    errors = [p for p in problems if p.severity is Severity.ERROR]
    if any(p.code == Codes.INTERNAL for p in errors):
        return ExitCode.INTERNAL
    if any(p.code.usage for p in errors):
        return ExitCode.USAGE
    if errors or (strict and any(p.severity is Severity.WARNING for p in problems)):
        return ExitCode.INVALID
    return ExitCode.OK


def shown(value: object, limit: int = 40) -> str:
    """A value quoted for a message, shortened: a 900,000-character value stays one line."""
    text = repr(value) if not isinstance(value, str) else value
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return repr(text) if isinstance(value, str) else text


#: A path to a field of a deal: ``("payments", 0, "amount")``; see :mod:`computelease.paths`.
FieldPath = tuple[str | int, ...]


class LeaseError(Exception):
    """Base of every error ``lease`` raises on purpose; carries its exit code."""

    exit_code: ExitCode = ExitCode.INTERNAL


class UsageError(LeaseError):
    """The command line itself is wrong: a missing path, a bad option value."""

    exit_code = ExitCode.USAGE


class RequestError(LeaseError):
    """What was asked of a deal cannot be done with it: an input it lacks, a missing rate.

    Raised by the core; the public API reports it as a usage problem
    (its code has ``usage`` set) rather than letting it escape.
    """

    exit_code = ExitCode.USAGE

    def __init__(self, code: Code, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class DealInvalid(LeaseError):
    """A deal file failed to load or validate; ``problems`` says every reason."""

    exit_code = ExitCode.INVALID

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = tuple(problems)


class FieldError(LeaseError):
    """A single value is wrong: raised by parsers and by the core, mapped to a field.

    ``path`` is relative to whatever is being validated; the loader and the
    checks prefix it and look up the line and column.
    """

    exit_code = ExitCode.INVALID

    def __init__(self, code: Code, message: str, path: FieldPath = ()) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.path = path
