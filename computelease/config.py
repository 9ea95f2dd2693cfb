"""Where a policy's limits come from: flags, then the environment, then a config file.

``lease check`` gates deals on limits (:mod:`computelease.core.gates`), each
settable three ways, the first found winning, as ruff and pip do:

1. given by the caller (the command line's flags: ``--max-total 10B`` for the
   fail level, ``--warn-max-total 8B``);
2. an environment variable: ``LEASE_MAX_TOTAL``, ``LEASE_WARN_MAX_TOTAL``;
3. a file, found upward from the current folder: ``lease.toml`` (keys at its
   top level) or a ``pyproject.toml`` with a ``[tool.computelease]`` table,
   warn levels in a ``warn`` table beneath (``[tool.computelease.warn]``).

Numbers in TOML are read as written (``parse_float=Decimal``), never as
binary floats. An unknown key or a bad value is a usage error naming the
file, its line and the closest key.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

from computelease.core.gates import GATES, LEVELS, Level, Policy, Setting, parse_limit
from computelease.errors import Codes, RequestError

#: The file of lease's own settings, tried before a pyproject.toml in each folder.
LEASE_TOML: Final = "lease.toml"
ENV_PREFIX: Final = "LEASE_"


def env_name(key: str, level: Level) -> str:
    """``LEASE_MAX_TOTAL``, ``LEASE_WARN_MAX_TOTAL``."""
    name = key.upper().replace("-", "_")
    return f"{ENV_PREFIX}{name}" if level == "fail" else f"{ENV_PREFIX}WARN_{name}"


def setting_name(key: str, level: Level) -> str:
    """A gate at a level as a setting is named: ``max-total``, ``warn-max-total``."""
    return key if level == "fail" else f"warn-{key}"


def policy(
    given: Mapping[str, str | None] | None = None,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    *,
    given_as: str = "{name}",
) -> Policy:
    """The limits in force: ``given`` (by setting name) over ``env`` over a config file.

    ``given_as`` is how a given value's source is named in findings and
    ``--show-config`` (``{name}`` stands for the setting's name). Raises
    RequestError (a usage problem) for a value a gate cannot read, an unknown
    key, or a config file that is not TOML.
    """
    unknown = sorted(set(given or {}) - {setting_name(k, lv) for k in GATES for lv in LEVELS})
    if unknown:
        raise RequestError(Codes.BAD_SETTING, f"no policy setting {unknown[0]!r}")
    found = _config_file(cwd or Path.cwd())
    written = _read_config(found) if found is not None else {}
    settings = []
    for key in GATES:
        for level in LEVELS:
            value = (given or {}).get(setting_name(key, level))
            source = given_as.format(name=setting_name(key, level))
            if value is None and (env or {}).get(env_name(key, level), "").strip():
                value, source = (env or {})[env_name(key, level)], env_name(key, level)
            if value is None and (key, level) in written:
                value, source = written[key, level]
            limit = parse_limit(key, level, value, source) if value is not None else None
            settings.append(Setting(key, level, limit))
    return Policy(tuple(settings), str(found) if found is not None else None)


def _config_file(start: Path) -> Path | None:
    """The nearest lease.toml, or pyproject.toml with a [tool.computelease] table, upward."""
    for folder in (start, *start.parents):
        lease = folder / LEASE_TOML
        if lease.is_file():
            return lease
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and re.search(
            r"(?m)^[ \t]*\[[ \t]*tool\.computelease[ \t]*[\].]", _text(pyproject)
        ):
            return pyproject
    return None


def _text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RequestError(Codes.BAD_SETTING, f"{path}: cannot be read: {exc}") from None


def _read_config(path: Path) -> dict[tuple[str, Level], tuple[str, str]]:
    """Each (gate, level) the file sets: the value as written and where (``file:line``)."""
    text = _text(path)
    try:
        data = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        raise RequestError(Codes.BAD_SETTING, f"{path}: not valid TOML: {exc}") from None
    table: Any = data
    if path.name != LEASE_TOML:
        table = data.get("tool", {}).get("computelease", {})
    out: dict[tuple[str, Level], tuple[str, str]] = {}
    levels: tuple[tuple[Level, Any], ...] = (("fail", table), ("warn", table.get("warn", {})))
    for level, values in levels:
        if not isinstance(values, dict):
            raise RequestError(Codes.BAD_SETTING, f"{_at(path, text, 'warn')}: expected a table")
        # A warn level's key is on a line below its table's header.
        header = re.search(r"(?m)^[ \t]*\[[^\]]*\bwarn[ \t]*\]", text) if level == "warn" else None
        for key, value in values.items():
            if level == "fail" and key == "warn":
                continue
            where = _at(path, text, key, header.end() if header else 0)
            if key not in GATES:
                close = difflib.get_close_matches(key, GATES, n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                known = ", ".join(GATES)
                message = f"{where}: unknown key {key!r}{hint} (lease reads {known})"
                raise RequestError(Codes.BAD_SETTING, message)
            if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
                message = f'{where}: {key}: expected a number or text such as "10B" or "12%"'
                raise RequestError(Codes.BAD_SETTING, message)
            out[key, level] = (str(value), where)
    return out


def _at(path: Path, text: str, key: str, start: int = 0) -> str:
    """``file:line`` of the first line from ``start`` that sets ``key``, or the file alone."""
    pattern = re.compile(rf"(?m)^[ \t]*[\"']?{re.escape(key)}[\"']?[ \t]*=")
    match = pattern.search(text, start)
    if match is None:
        return str(path)
    return f"{path}:{text.count(chr(10), 0, match.start()) + 1}"
