"""Read the packaged default figures (``data/defaults.toml``) once."""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from typing import Any


@cache
def _defaults_table() -> dict[str, Any]:
    text = resources.files("models").joinpath("data/defaults.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def default_value(name: str) -> Any:
    """Return the default value of input `name` (a copy for lists and tables)."""
    value = _lookup(name)["value"]
    if isinstance(value, list):
        return [dict(v) if isinstance(v, dict) else v for v in value]
    if isinstance(value, dict):
        return dict(value)
    return value


def default_source(name: str) -> str:
    """Return where the default value of input `name` comes from."""
    return str(_lookup(name)["source"])


def all_sources() -> dict[str, str]:
    """Return ``{input name: source}`` for every packaged default."""
    out: dict[str, str] = {}
    for key, entry in _defaults_table().items():
        if "value" in entry:
            out[key] = str(entry["source"])
        else:
            for sub, sub_entry in entry.items():
                out[f"{key}.{sub}"] = str(sub_entry["source"])
    return out


def _lookup(name: str) -> dict[str, Any]:
    entry: Any = _defaults_table()
    for part in name.split("."):
        entry = entry[part]
    return dict(entry)
