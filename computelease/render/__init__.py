"""Renderers: one module per output format, each turning the same result objects into text.

Renderers never compute and never print: ``table`` returns rich renderables,
the others return strings, and the command line decides where they go. Each
format module provides a function for each of KINDS; the registry
below maps a format name to its module, and a test keeps it exhaustive.
"""

from __future__ import annotations

import importlib
from enum import StrEnum
from types import ModuleType


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"


#: The functions every format module provides.
KINDS = ("calc", "schedule", "breakeven", "scenario", "sensitivity", "compare", "book")


def renderer(fmt: OutputFormat) -> ModuleType:
    """The module that renders ``fmt``, imported only when asked for."""
    return importlib.import_module(f"computelease.render.{fmt.value}")
