"""The central office of a plan's architecture: ports, chassis, rack space.

GPON, XGS-PON and point-to-point differ in what they put in the office: a
PON port serves a splitter's 32 or 64 homes, a point-to-point switch port
one premise, so P2P needs tens of times the ports, several chassis and many
rack units. :class:`CentralOffice` carries those counts from an architecture
comparison (``fttx-planner compare``) or a plan; :func:`office_opex_eur_per_year`
prices their power (per port by technology, per chassis, times the site's
PUE) and their space (per rack unit) with the finance inputs.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from models.params import FinanceParams

#: Hours in a year, to turn watts into kWh a year.
HOURS_PER_YEAR = 8760.0
#: Upper bound of ports, chassis or rack units of one office (issue 16).
PLAUSIBLE_OFFICE_COUNT = 100_000_000


class CentralOffice(BaseModel):
    """Active equipment of one architecture in the central office.

    Examples
    --------
    >>> co = CentralOffice(architecture="gpon_b_plus", technology="GPON", ports=92,
    ...                    chassis=1, rack_units=12)
    >>> round(office_opex_eur_per_year(co, FinanceParams()))
    5573
    """

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    architecture: str = Field(
        default="", max_length=60, title="Architecture", json_schema_extra={"unit": ""}
    )
    technology: str = Field(
        max_length=20,
        title="Technology",
        description="GPON, XGS-PON or P2P: the key of the power per port.",
        json_schema_extra={"unit": ""},
    )
    ports: int = Field(
        ge=0, le=PLAUSIBLE_OFFICE_COUNT, title="Office ports", json_schema_extra={"unit": "ports"}
    )
    chassis: int = Field(
        default=0,
        ge=0,
        le=PLAUSIBLE_OFFICE_COUNT,
        title="Chassis",
        json_schema_extra={"unit": "chassis"},
    )
    rack_units: int = Field(
        default=0,
        ge=0,
        le=PLAUSIBLE_OFFICE_COUNT,
        title="Rack units",
        description="Chassis and optical distribution frame.",
        json_schema_extra={"unit": "U"},
    )


def office_power_w(office: CentralOffice, params: FinanceParams) -> float:
    """Equipment power of the office (W), before the PUE.

    A technology other than GPON, XGS-PON and P2P draws nothing per port
    (its chassis still do).
    """
    per_port = params.power_w_per_port(office.technology)
    return office.ports * per_port + office.chassis * params.co_power_w_per_chassis


def office_opex_eur_per_year(office: CentralOffice, params: FinanceParams) -> float:
    """Yearly power and space of the office in base-year money (capex currency aside).

    ``power W * PUE * 8760 h / 1000 * EUR/kWh + rack units * EUR/U/year``.
    """
    energy_kwh = office_power_w(office, params) * params.co_pue * HOURS_PER_YEAR / 1000.0
    return (
        energy_kwh * params.electricity_eur_per_kwh
        + office.rack_units * params.co_space_eur_per_rack_unit_year
    )
