"""Parameter files: read finance inputs (and optional capex) from TOML, YAML or JSON.

A parameter file is flat (``arpu_eur_per_month = 42.0``), with
``[[service_providers]]`` tables and an optional ``[capex]`` table of
:class:`~models.capex.NetworkCapex` fields for a user without a plan.
:func:`finance_params_template` writes a commented file with every input,
its unit and the source of its default.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from models._errors import FinanceParameterError
from models._files import bounded_lines, clip, first_line, huge_integer, read_bounded
from models.capex import NetworkCapex
from models.params import DebtTranche, FinanceParams, validate_finance_params


def read_params_file(path: str | Path) -> dict[str, Any]:
    """Read a TOML, YAML or JSON parameter file into a plain table.

    Raises
    ------
    FinanceParameterError
        In one line: the file is missing, not a regular file, too large, of an
        unknown kind or not parseable (with the place where the parser says);
        an integer longer than Python converts is named with its line and key.
    """
    path = Path(path)
    text = read_bounded(path, "parameter file", MAX_PARAMS_BYTES)
    try:
        data = _parse(path, text)
    except ValueError as exc:  # an integer of more than 4,300 digits (int's conversion limit)
        if isinstance(exc, FinanceParameterError):
            raise
        raise huge_integer(path, text) or FinanceParameterError(
            f"parameter file {path}: {first_line(exc)}"
        ) from None
    if not isinstance(data, dict):
        msg = f"{path}: expected a table of name = value at the top level"
        raise FinanceParameterError(msg)
    return data


def _parse(path: Path, text: str) -> Any:
    """The parsed text, by the file's name ending."""
    suffix = path.suffix.lower()
    data: Any
    if suffix == ".toml":
        import tomllib

        try:
            data = tomllib.loads(text)
        except (tomllib.TOMLDecodeError, RecursionError) as exc:
            msg = f"{path} is not valid TOML: {first_line(exc)}"
            raise FinanceParameterError(msg) from None
    elif suffix in (".yaml", ".yml"):
        try:
            import yaml
        except ImportError as exc:  # pragma: no cover - PyYAML is installed in dev
            msg = f"reading {path} needs PyYAML (pip install pyyaml), or use TOML"
            raise FinanceParameterError(msg) from exc
        try:
            data = yaml.load(text, Loader=_no_alias_loader())  # a SafeLoader without aliases
        except (yaml.YAMLError, RecursionError) as exc:
            msg = f"{path} is not valid YAML: {first_line(exc)}"
            raise FinanceParameterError(msg) from None
        data = {} if data is None else data
    elif suffix == ".json":
        try:
            data = json.loads(text)
        except (json.JSONDecodeError, RecursionError) as exc:
            msg = f"{path} is not valid JSON: {first_line(exc)}"
            raise FinanceParameterError(msg) from None
    else:
        kind = clip(suffix)
        msg = f"{path}: unknown parameter file kind {kind!r} (use .toml, .yaml, .yml or .json)"
        raise FinanceParameterError(msg)
    return data


#: Largest finance parameter file read (issue 16: a bounded reader); a full file
#: with every input and its comments is about 25 KiB.
MAX_PARAMS_BYTES = 256 * 1024


def _no_alias_loader() -> Any:
    """A YAML safe loader that refuses aliases (no 'billion laughs' expansion)."""
    import yaml

    class Loader(yaml.SafeLoader):
        def compose_node(self, parent: Any, index: Any) -> Any:
            if self.check_event(yaml.AliasEvent):
                event = self.peek_event()
                msg = "aliases are not allowed in a parameter file"
                raise yaml.composer.ComposerError(None, None, msg, event.start_mark)
            return super().compose_node(parent, index)

    return Loader


def load_finance_file(path: str | Path) -> tuple[FinanceParams, NetworkCapex | None]:
    """Load finance inputs and optional hand-typed capex from one file.

    The file is flat (``arpu_eur_per_month = 42.0``) with an optional
    ``[capex]`` table of :class:`~models.capex.NetworkCapex` fields.

    Parameters
    ----------
    path
        A ``.toml``, ``.yaml``/``.yml`` or ``.json`` file.

    Returns
    -------
    tuple of FinanceParams and NetworkCapex or None
        The inputs, and the capex if the file has a ``[capex]`` table.

    Raises
    ------
    FinanceParameterError
        With every problem found in the file.
    """
    data = read_params_file(path)
    huge = list(_huge_integers(data))
    if huge:  # validators that turn them into floats would overflow
        msg = bounded_lines(f"{path}:\ninvalid finance parameters:\n" + "\n".join(huge))
        raise FinanceParameterError(msg)
    capex_data = data.pop("capex", None)
    problems: list[str] = []
    params: FinanceParams | None = None
    capex: NetworkCapex | None = None
    try:
        params = validate_finance_params(data)
    except FinanceParameterError as exc:
        problems.append(str(exc))
    if capex_data is not None:
        if not isinstance(capex_data, Mapping):
            problems.append("capex must be a table of capex amounts")
        else:
            try:
                capex = NetworkCapex.from_mapping(capex_data)
            except FinanceParameterError as exc:
                problems.append(str(exc))
    if problems or params is None:
        # Each problem on one line, values cut, at most ten problems (issue 16).
        msg = bounded_lines(f"{path}:\n" + "\n".join(problems))
        raise FinanceParameterError(msg)
    return params, capex


#: Integers beyond a float's range (about 1.8e308) fit no finance input.
_MAX_INTEGER = 10**308


def _huge_integers(value: Any, where: str = "") -> Iterator[str]:
    """``"  - key = 1111111111... (400 digits): ..."`` for each integer beyond a float's range."""
    if isinstance(value, Mapping):
        for key, item in value.items():
            yield from _huge_integers(item, f"{where}.{key}" if where else str(key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _huge_integers(item, f"{where}[{i}]")
    elif isinstance(value, int) and not isinstance(value, bool) and abs(value) >= _MAX_INTEGER:
        digits = str(abs(value))
        yield (
            f"  - {clip(where)} = {'-' if value < 0 else ''}{digits[:10]}... ({len(digits)} "
            "digits): more digits than any finance input may have"
        )


def load_finance_params(path: str | Path) -> FinanceParams:
    """Load and validate finance inputs from a TOML, YAML or JSON file.

    A ``[capex]`` table, if present, is validated too but not returned (see
    :func:`load_finance_file`).

    Raises
    ------
    FinanceParameterError
        With every problem found in the file.
    """
    return load_finance_file(path)[0]


def finance_params_template(params: FinanceParams | None = None) -> str:
    """Return a commented TOML parameter file with every input and its source.

    Parameters
    ----------
    params
        Values to write; the defaults if None.

    Returns
    -------
    str
        TOML text that :func:`load_finance_params` reads back.

    Examples
    --------
    >>> import tomllib
    >>> text = finance_params_template()
    >>> validate_finance_params(tomllib.loads(text)) == FinanceParams()
    True
    """
    params = params or FinanceParams()
    out = [
        "# Finance parameters of fttx-planner's business models.",
        "# Shares, discount rates and growth rates are fractions (0.08 for 8 %).",
        "# Each entry says its unit and where its default comes from;",
        '# "assumed" means no public source was found: replace it with your own.',
        "",
    ]
    group = ""
    for name, field in FinanceParams.model_fields.items():
        if name in ("service_providers", "debt"):
            continue
        extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
        if extra.get("group") != group:
            group = str(extra.get("group"))
            out += ["", f"# ===== {group} ====="]
        out.append(f"# {field.title} [{extra.get('unit', '')}]")
        desc = (field.description or "").split(" Default from: ")[0]
        out.append(f"#   {desc}")
        if extra.get("source") and extra.get("source") != "user":
            out.append(f"#   source: {extra['source']}")
        value = getattr(params, name)
        if value is None:
            out.append(f"# {name} = [0.0, 0.1, 0.25, 0.4, 0.5]")
        else:
            out.append(f"{name} = {_toml_value(value)}")
    out += [
        "",
        "# ===== Service providers (market shares add up to 1) =====",
        "# Tables follow: a key written below a [[...]] or [...] header belongs to it,",
        "# so add plain inputs above this point.",
    ]
    for sp in params.service_providers:
        out += ["[[service_providers]]"]
        out += [f"{k} = {_toml_value(v)}" for k, v in sp.model_dump().items()]
        out.append("")
    out += [
        "# ===== Debt (optional): loans and bonds, one [[debt]] table each =====",
        "# borrower: an actor name or 'passive owner' / 'active owner'; amount: share_of_capex",
        "# of its build-year capex and/or amount_eur; repayment: annuity, linear or bullet.",
    ]
    for tranche in params.debt:
        out += ["[[debt]]"]
        out += [f"{k} = {_toml_value(v)}" for k, v in tranche.model_dump().items()]
        out.append("")
    if not params.debt:
        loan = DebtTranche(name="municipal loan", share_of_capex=0.8, grace_years=2)
        out += ["# [[debt]]"]
        out += [f"# {k} = {_toml_value(v)}" for k, v in loan.model_dump().items()]
        out.append("")
    out += [
        "# ===== Capex (optional): type it by hand when there is no plan =====",
        "# Without --plan, the example district is used unless this table is given.",
        "# [capex]",
    ]
    example = NetworkCapex.example().model_dump(
        exclude={"label", "phases", "smart_city", "central_office"}
    )
    out += [f"# {k} = {_toml_value(v)}" for k, v in example.items()]
    return "\n".join(out) + "\n"


def _toml_value(value: Any) -> str:
    if isinstance(value, BaseModel):
        value = value.model_dump()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml_value(v)}" for k, v in value.items()) + " }"
    msg = f"cannot write {value!r} to TOML"
    raise TypeError(msg)
