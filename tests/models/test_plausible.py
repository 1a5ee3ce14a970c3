"""Plausible ranges on every finance input (issue 16): every surface refuses 1e300 in one line.

The surfaces: the parameter file (TOML / YAML / JSON), the ``[capex]`` table,
a plan summary, an architecture comparison, the command line, and the
pydantic models the GUI edits (``validate_assignment``).
"""

from __future__ import annotations

import json
import types
import typing

import pytest
from pydantic import BaseModel, ValidationError

from models import FinanceParameterError, FinanceParams, NetworkCapex, validate_finance_params
from models.cli import main
from models.office import CentralOffice
from models.paramfile import load_finance_file
from models.params import DebtTranche, Distribution, ServiceProvider, plausible_range
from models.phases import Phase
from models.smartcity import EndpointClass

MODELS = (FinanceParams, ServiceProvider, Distribution, DebtTranche, NetworkCapex,
          Phase, EndpointClass, CentralOffice)  # fmt: skip


def _numeric(model: type[BaseModel]) -> list[str]:
    out = []
    for name, info in model.model_fields.items():
        annotation = info.annotation
        args = typing.get_args(annotation)
        scalar = typing.get_origin(annotation) in (None, typing.Union, types.UnionType)
        if annotation in (int, float) or (
            scalar and args and set(args) <= {int, float, type(None)}
        ):
            out.append(name)
    return out


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_every_number_has_a_plausible_range(model) -> None:
    names = _numeric(model)
    assert names
    unbounded = [n for n in names if None in plausible_range(model, n)]
    assert unbounded == []


@pytest.mark.parametrize("name", _numeric(FinanceParams))
def test_an_absurd_value_is_refused_naming_the_input(name) -> None:
    with pytest.raises(FinanceParameterError) as info:
        validate_finance_params({name: 1e300})
    lines = str(info.value).splitlines()
    assert lines[0] == "invalid finance parameters:"
    assert lines[1].startswith(f"  - {name} = 1e+300: ")
    assert "plausible range" in lines[1] or "percentage" in lines[1] or "100 %" in lines[1]
    assert all(len(line) < 160 for line in lines)


def test_the_message_gives_the_range_and_unit() -> None:
    with pytest.raises(FinanceParameterError) as info:
        validate_finance_params({"arpu_eur_per_month": 1e300})
    assert str(info.value).splitlines()[1] == (
        "  - arpu_eur_per_month = 1e+300: outside the plausible range 0 to 10,000 EUR/line/month"
    )


@pytest.mark.parametrize(
    ("data", "where"),
    [
        ({"mc_arpu": {"kind": "triangular", "low": 0.5, "mode": 1.0, "high": 1e300}},
         "mc_arpu.high"),
        ({"debt": [{"amount_eur": 1e300}]}, "debt[0].amount_eur"),
        ({"service_providers": [{"name": "A", "market_share": 1.0, "horizon_years": 10**9}]},
         "service_providers[0].horizon_years"),
    ],
)  # fmt: skip
def test_nested_inputs_name_their_place(data, where) -> None:
    with pytest.raises(FinanceParameterError) as info:
        validate_finance_params(data)
    assert f"  - {where} = " in str(info.value)
    assert "plausible range" in str(info.value)


def test_a_long_value_is_not_echoed() -> None:
    with pytest.raises(FinanceParameterError) as info:
        validate_finance_params({"currency": "E" * 10_000})
    assert len(str(info.value)) < 200


def test_gui_assignment_is_refused() -> None:
    """The GUI edits the same models with validate_assignment: the same bound holds."""
    params = FinanceParams()
    with pytest.raises(ValidationError):
        params.arpu_eur_per_month = 1e300
    with pytest.raises(ValidationError):
        params.city_fee_school_eur_per_endpoint_month = 1e300
    assert params.arpu_eur_per_month == 40.0
    schema = FinanceParams.model_json_schema()
    assert schema["properties"]["arpu_eur_per_month"]["maximum"] == 10_000


@pytest.mark.parametrize("suffix", [".toml", ".json", ".yaml"])
def test_parameter_files_refuse_it(tmp_path, suffix) -> None:
    path = tmp_path / f"p{suffix}"
    text = {
        ".toml": "arpu_eur_per_month = 1e300\n[capex]\nhomes_passed = 10\ncivil_eur = 1e300\n",
        ".json": json.dumps({"arpu_eur_per_month": 1e300,
                             "capex": {"homes_passed": 10, "civil_eur": 1e300}}),
        ".yaml": "arpu_eur_per_month: 1.0e+300\ncapex:\n  homes_passed: 10\n"
                 "  civil_eur: 1.0e+300\n",
    }[suffix]  # fmt: skip
    path.write_text(text)
    with pytest.raises(FinanceParameterError) as info:
        load_finance_file(path)
    message = str(info.value)
    assert "arpu_eur_per_month = 1e+300: outside the plausible range" in message
    assert "capex.civil_eur = 1e+300: outside the plausible range 0 to 1,000,000,000,000" in message


def test_plan_summaries_refuse_it(tmp_path) -> None:
    layers = dict.fromkeys(("cables", "splitters", "cabinets", "drops", "olt", "ont"), 1.0)
    layers["civil"] = 1e300
    with pytest.raises(FinanceParameterError, match=r"capex_eur.by_layer.civil must be"):
        NetworkCapex.from_summary({"homes": {"passed": 10}, "capex_eur": {"by_layer": layers}})
    layers["civil"] = 1.0
    with pytest.raises(FinanceParameterError, match=r"homes.passed must be a positive whole"):
        NetworkCapex.from_summary({"homes": {"passed": 10**12}, "capex_eur": {"by_layer": layers}})


def test_the_cli_refuses_without_touching_the_outputs(tmp_path, capsys) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "comparison.csv").write_text("good results\n")
    params = tmp_path / "p.toml"
    params.write_text("arpu_eur_per_month = 1e300\n")
    with pytest.raises(SystemExit) as info:
        main(["--params", str(params), "--out", str(out)])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "arpu_eur_per_month = 1e+300: outside the plausible range" in err
    assert "Traceback" not in err
    assert (out / "comparison.csv").read_text() == "good results\n"
    with pytest.raises(SystemExit):
        main(["--out", str(out), "--draws", str(10**9)])
    assert "--draws must be from 0 to 1,000,000" in capsys.readouterr().err
