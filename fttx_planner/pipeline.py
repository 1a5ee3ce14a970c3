"""From names and files to a plan: the one path the CLI, GUI and report share.

:func:`run_plan` resolves a district (sample city or OSM file), reads the
parameter and catalogue files, loads and matches the brownfield layer when
the deployment needs it, and calls :func:`plan_district`.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np

from fttx_planner._errors import DesignError
from fttx_planner.catalogue import Catalogue
from fttx_planner.design.planner import Cancelled, Progress, plan_district
from fttx_planner.district import District
from fttx_planner.network.graph import ExistingInfra
from fttx_planner.params import (
    Deployment,
    DesignParams,
    file_design_problems,
    params_from_dict,
    problems_error,
    read_params_toml,
)
from fttx_planner.plan import Plan


def load_params_file(path: str | Path) -> DesignParams:
    """The design parameters of a parameter file, after checking the whole file.

    Every section is validated (``[design]`` or the top level, ``[demand]``,
    and the fibre-level detail's ``[detail]`` and ``[naming]``), so a bad
    value anywhere is reported before a district is loaded and planned, and
    every problem is listed in one message.

    Raises
    ------
    ParameterError
        Naming the file and each problem (at most ten, one line each, naming
        the section and key).
    """
    data = read_params_toml(path)
    params, problems = file_design_problems(data)
    from fttx_planner.detail.settings import detail_problems

    problems += detail_problems(data)
    if params is None or problems:
        raise problems_error(f"parameters in {path}", problems)
    return params


def _check_layer_files(premises_file: str | Path | None, infra_file: str | Path | None) -> None:
    """Refuse a missing, oversized or non-regular premises or infrastructure file at once.

    Their readers need the district (its CRS) and check the same again;
    this only brings a wrong path forward, before a large district is loaded.
    """
    from fttx_planner.demand.register import MAX_REGISTER_BYTES, RegisterError
    from fttx_planner.input_files import check_input_file
    from fttx_planner.network.infra import MAX_INFRA_BYTES

    if premises_file is not None:
        check_input_file(premises_file, "premises register", MAX_REGISTER_BYTES, RegisterError)
    if infra_file is not None:
        check_input_file(infra_file, "infrastructure layer", MAX_INFRA_BYTES)


def existing_infra(district: District, infra_file: str | Path) -> ExistingInfra:
    """Existing ducts and pole routes of a layer file, matched to the district's streets."""
    return load_existing_infra(district, infra_file)[0]


def load_existing_infra(
    district: District, infra_file: str | Path
) -> tuple[ExistingInfra, list[str]]:
    """:func:`existing_infra` and the warnings of a layer that misses the district."""
    from fttx_planner.network.infra import load_infrastructure, match_to_streets, match_warnings

    layer = load_infrastructure(infra_file, district.crs)
    match = match_to_streets(district.streets, layer)
    infra = ExistingInfra(
        duct_m=np.asarray(match.duct_m, dtype=float),
        aerial_m=np.asarray(match.aerial_m, dtype=float),
        duct_capacity=np.asarray(match.duct_free_capacity, dtype=np.int64),
        aerial_capacity=np.asarray(match.aerial_free_capacity, dtype=np.int64),
    )
    return infra, match_warnings(district.streets, layer, match)


def plausibility_warnings(plan: Plan, automatic_olt: bool) -> list[str]:
    """Warnings for a plan that is valid but unlikely to be what the user meant.

    An automatic OLT site that reaches less than half of the premises (the
    district's streets fall apart into islands, or most buildings are far
    from any street) is one.
    """
    demand = int(plan.buildings["homes"].sum())
    passed = plan.homes_passed
    if not automatic_olt or demand == 0 or passed >= 0.5 * demand:
        return []
    return [
        f"the automatic OLT site reaches only {passed:,} of {demand:,} premises "
        f"({passed / demand:.0%}): the district's streets fall apart into parts that do not "
        "connect, or most buildings are far from a street (see the unserved buildings' "
        "reasons); plan the parts as separate districts or check the OSM extract"
    ]


def run_plan(
    district_arg: str | District,
    params: DesignParams | None = None,
    params_file: str | Path | None = None,
    deployment: str | None = None,
    infra_file: str | Path | None = None,
    catalogue: Catalogue | None = None,
    catalogue_file: str | Path | None = None,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
    premises_file: str | Path | None = None,
    households: int | None = None,
    businesses: int | None = None,
) -> Plan:
    """Resolve inputs and plan.

    Parameters
    ----------
    district_arg
        A sample city slug, an OSM file path, or a loaded district.
    params, params_file
        Design parameters, or a TOML file of them (defaults otherwise).
    deployment
        ``"greenfield"`` or ``"brownfield"``; overrides the parameters and
        the sample city's scenario.
    infra_file
        Existing-infrastructure layer; a sample city's own layer is used
        when none is given.
    catalogue, catalogue_file
        Cost catalogue or a CSV of one (shipped defaults otherwise).
    progress, cancelled
        Progress and cancel callbacks (see :func:`plan_district`).
    premises_file
        A premises register (CSV / GeoJSON / GeoPackage points with unit
        counts) that overrides the estimate of the buildings it matches.
    households, businesses
        Known totals to calibrate the estimate to (override the parameters).
    """
    # The small input files first: a bad value in them is reported before a large
    # district is loaded.
    from_caller = params is not None
    if params is None:
        params = load_params_file(params_file) if params_file else DesignParams()
    if catalogue is None:
        catalogue = Catalogue.from_csv(catalogue_file) if catalogue_file else Catalogue.default()
    _check_layer_files(premises_file, infra_file)
    calibration = {"households": households, "businesses": businesses}
    calibration = {k: v for k, v in calibration.items() if v is not None}
    if calibration:  # checked now, applied once the scenario's deployment is known
        params_from_dict({**params.model_dump(), **calibration}, where="calibration")
    scenario = None
    if isinstance(district_arg, District):
        district = district_arg
    else:
        from fttx_planner.samples import resolve_district

        district, scenario = resolve_district(str(district_arg))
    if not from_caller and scenario is not None and "deployment" not in params.model_fields_set:
        params = params.model_copy(update={"deployment": Deployment(scenario.deployment)})
    if deployment is not None:
        params = params.model_copy(update={"deployment": Deployment(deployment)})
    if calibration:
        params = params_from_dict({**params.model_dump(), **calibration}, where="calibration")
    if premises_file is not None:
        from fttx_planner.demand.register import load_register

        district = replace(district, register=load_register(premises_file, district))

    infra = None
    warnings: list[str] = []
    if params.deployment == Deployment.BROWNFIELD:
        path = infra_file or (scenario.infrastructure_path if scenario is not None else None)
        if path is None:
            msg = (
                f"Brownfield planning of {district.name!r} needs an existing-infrastructure "
                "layer: pass --infra FILE (GeoJSON/GeoPackage of ducts and pole routes)."
            )
            raise DesignError(msg)
        infra, warnings = load_existing_infra(district, path)
    plan = plan_district(district, params, catalogue, infra, progress, cancelled)
    automatic_olt = district.olt_xy is None and params.olt_x_m is None
    plan.warnings.extend(warnings + plausibility_warnings(plan, automatic_olt))
    return plan
