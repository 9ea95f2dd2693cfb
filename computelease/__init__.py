"""computelease: a calculator for AI compute deals, exact to the cent.

The command line (``lease``) is a thin client of this package: load a deal
with :func:`computelease.loader.load`, compute with :mod:`computelease.core`,
and render with :mod:`computelease.render`.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("computelease")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0+unknown"

__all__ = ["__version__"]
