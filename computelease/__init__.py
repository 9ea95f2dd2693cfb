"""computelease: a calculator for AI compute deals, exact to the cent.

The public API is here, and the ``lease`` command line is a thin client of
it: anything a command does, a notebook does with the same call::

    from computelease import analyse

    result = analyse("deals/reflection.yaml")
    report = result.value.deals[0]  # None-checked in real code: see result.problems

Every call returns a frozen result carrying its problems as data (file,
line, column, code, message); nothing raises for bad input. The names are
imported lazily, so ``import computelease`` costs almost nothing and
importing a renderer or a result type never imports the YAML loader.
"""

from __future__ import annotations

import importlib

# Not typing's own: the console script imports this module first, and an interrupt while
# typing loads (a few milliseconds) would escape the Ctrl-C handling in __main__.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from computelease.api import (
        account,
        analyse,
        book,
        breakeven,
        chart,
        check,
        compare,
        diff,
        load,
        new_deal,
        policy,
        reconcile,
        report,
        risk,
        scenario,
        schedule,
        schema,
        sensitivity,
    )
    from computelease.core.analysis import Settings
    from computelease.core.reports import CheckRun
    from computelease.core.sensitivity import Axis
    from computelease.errors import Code, ExitCode, Problem, Severity
    from computelease.fields import Kind
    from computelease.locations import LoadedDeal
    from computelease.models import Scenario
    from computelease.results import Loaded, Result

if TYPE_CHECKING:
    __version__: str

__all__ = [
    "Axis",
    "CheckRun",
    "Code",
    "ExitCode",
    "Kind",
    "Loaded",
    "LoadedDeal",
    "Problem",
    "Result",
    "Scenario",
    "Settings",
    "Severity",
    "__version__",
    "account",
    "analyse",
    "book",
    "breakeven",
    "chart",
    "check",
    "compare",
    "diff",
    "load",
    "new_deal",
    "policy",
    "reconcile",
    "report",
    "risk",
    "scenario",
    "schedule",
    "schema",
    "sensitivity",
]

#: The module each public name lives in. Types live below the API, so naming one (in a
#: notebook or an annotation) never imports the YAML loader; the calls live in the API.
_HOMES = {
    "Axis": "core.sensitivity",
    "CheckRun": "core.reports",
    "Code": "errors",
    "ExitCode": "errors",
    "Kind": "fields",
    "Loaded": "results",
    "LoadedDeal": "locations",
    "Problem": "errors",
    "Result": "results",
    "Scenario": "models",
    "Settings": "core.analysis",
    "Severity": "errors",
}


def __getattr__(name: str) -> Any:
    if name == "__version__":
        return _version()
    if name not in __all__:
        raise AttributeError(f"module 'computelease' has no attribute {name!r}")
    module = importlib.import_module(f"computelease.{_HOMES.get(name, 'api')}")
    return getattr(module, name)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("computelease")
    except PackageNotFoundError:  # pragma: no cover - a source tree without install
        return "0+unknown"


def __dir__() -> list[str]:
    return __all__
