"""Premises per building: homes and business units, each count with its source.

Every building gets residential units (homes) and business units, and the
source of its count:

``tag``
    ``building:flats`` (or the flats listed in ``addr:flats``).
``register``
    a premises register given by the user (:mod:`fttx_planner.demand.register`).
``address``
    address points (``addr:housenumber`` nodes, and the house numbers on the
    outline) inside or on the building.
``rule``
    a type rule: one home for a house, one connection for a school...
``estimate``
    floor area (footprint x levels) / gross floor area per unit.
``calibrated``
    an estimate scaled to a known total (:mod:`fttx_planner.demand.calibration`).
``none``
    no premises (sheds, garages, barns, tiny footprints).

The rules are in ``data/demand_rules.csv`` (:mod:`fttx_planner.demand.rules`),
levels come from :mod:`fttx_planner.demand.levels`, address points and land
use from :mod:`fttx_planner.demand.context`. The engine serves every
premise alike: ``homes`` is residential plus business units.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely

from fttx_planner.demand.calibration import calibrate
from fttx_planner.demand.context import address_counts, landuse_of, points_to_buildings
from fttx_planner.demand.levels import resolve_levels
from fttx_planner.demand.rules import DemandRule, demand_rules
from fttx_planner.district import (
    AddressPoints,
    Buildings,
    LandUse,
    PremisesRegister,
    osm_ref,
)
from fttx_planner.params import DesignParams

#: Footprint up to which a residential building of at most three levels is one house (m2).
SINGLE_HOME_MAX_FOOTPRINT_M2 = 200.0
#: Levels up to which it may be one house (OSM levels often count an attic).
SINGLE_HOME_MAX_LEVELS = 3.0
#: Land uses in which an untyped building is a business.
BUSINESS_LANDUSE = frozenset({"industrial", "commercial", "retail", "military", "railway"})
#: Footprint above which an untyped building is taken as non-residential (m2):
#: apartment blocks rarely exceed a 60 m x 30 m slab; larger untyped outlines
#: are halls, markets, schools, factories or whole blocks mapped as one.
LARGE_UNTYPED_M2 = 2000.0
#: Business units at most in an untyped building taken as a business.
UNTYPED_BUSINESS_MAX_UNITS = 5
#: Land uses in which an untyped building has no premises.
NO_PREMISES_LANDUSE = frozenset({"allotments", "garages", "construction"})
#: A register point this close to a building (m) belongs to it when it lies in none.
REGISTER_SNAP_M = 25.0
#: Homes per hectare of built-up area (the buildings' convex hull) above which
#: the district estimate is reported as implausible (the densest European
#: city districts reach about 200-250 dwellings per hectare).
MAX_HOMES_PER_HA = 250.0
#: Gross residential floor per home (m2) outside which the estimate is
#: reported as implausible.
FLOOR_PER_HOME_RANGE_M2 = (35.0, 400.0)


@dataclass(frozen=True)
class Demand:
    """Premises per building.

    Parameters
    ----------
    homes
        ``(k,)`` int: all premises per building (residential + business), what
        the design serves.
    from_tag
        ``(k,)`` bool: the count comes from a flats tag.
    residential, business
        ``(k,)`` int homes and business units (default: all homes residential).
    source
        ``(k,)`` source of each building's count (see the module docstring).
    category
        ``(k,)`` the category the building was counted as (after context).
    kind
        ``(k,)`` its ``building=*`` value, for the table by type.
    levels, levels_source
        ``(k,)`` levels used for area estimates, and where they came from.
    warnings
        Plausibility findings a planner should look at.
    calibration
        Records of calibrations applied (households, businesses).
    register
        How a premises register matched (points, matched, unmatched).
    """

    homes: np.ndarray
    from_tag: np.ndarray
    residential: np.ndarray | None = None
    business: np.ndarray | None = None
    source: np.ndarray | None = None
    category: np.ndarray | None = None
    kind: np.ndarray | None = None
    levels: np.ndarray | None = None
    levels_source: np.ndarray | None = None
    warnings: list[str] = field(default_factory=list)
    calibration: dict[str, dict[str, Any]] = field(default_factory=dict)
    register: dict[str, Any] | None = None

    @property
    def total_homes(self) -> int:
        """All premises in the district."""
        return int(self.homes.sum())

    @property
    def n_with_demand(self) -> int:
        """Buildings with at least one premise."""
        return int((self.homes > 0).sum())

    @property
    def residential_units(self) -> np.ndarray:
        """Homes per building."""
        return self.homes if self.residential is None else self.residential

    @property
    def business_units(self) -> np.ndarray:
        """Business units per building."""
        return np.zeros_like(self.homes) if self.business is None else self.business

    @property
    def sources(self) -> np.ndarray:
        """Source of each building's count."""
        if self.source is not None:
            return self.source
        return np.where(self.from_tag, "tag", np.where(self.homes > 0, "estimate", "none"))

    def table(self, by: str) -> dict[str, dict[str, int]]:
        """Buildings, homes and business units grouped ``by`` ``"source"`` or ``"type"``."""
        keys = self.sources if by == "source" else self.kind
        if keys is None:
            keys = np.full(self.homes.shape[0], "?", dtype=object)
        res, bus = self.residential_units, self.business_units
        out: dict[str, dict[str, int]] = {}
        for key in dict.fromkeys(keys.tolist()):
            m = keys == key
            out[str(key)] = {
                "buildings": int(m.sum()),
                "homes": int(res[m].sum()),
                "business_units": int(bus[m].sum()),
            }
        return dict(sorted(out.items(), key=lambda kv: -(kv[1]["homes"] + kv[1]["business_units"])))

    def summary(self) -> dict[str, Any]:
        """Counts for reports: premises by kind and source, calibration, warnings."""
        has = self.homes > 0
        out: dict[str, Any] = {
            "homes": self.total_homes,
            "residential_units": int(self.residential_units.sum()),
            "business_units": int(self.business_units.sum()),
            "buildings": int(self.homes.shape[0]),
            "buildings_with_homes": int(has.sum()),
            "buildings_from_tag": int((has & self.from_tag).sum()),
            "buildings_estimated": int((has & ~self.from_tag).sum()),
            "buildings_without_homes": int((~has).sum()),
            "by_source": self.table("source"),
        }
        if self.kind is not None:
            by_type = self.table("type")
            out["by_type"] = {k: v for k, v in by_type.items() if v["homes"] or v["business_units"]}
        if self.levels_source is not None:
            levels_from = dict(zip(*np.unique(self.levels_source, return_counts=True), strict=True))
            out["levels_from"] = {str(k): int(v) for k, v in levels_from.items()}
        if self.calibration:
            out["calibration"] = self.calibration
        if self.register is not None:
            out["register"] = self.register
        out["warnings"] = list(self.warnings)
        return out


def estimate_demand(
    buildings: Buildings,
    params: DesignParams | None = None,
    addresses: AddressPoints | None = None,
    landuse: LandUse | None = None,
    register: PremisesRegister | None = None,
) -> Demand:
    """Premises per building with the rules of :func:`~fttx_planner.demand.rules.demand_rules`.

    Parameters
    ----------
    buildings
        The district's buildings.
    params
        ``households`` / ``businesses`` calibrate, ``min_building_area_m2``
        and ``max_units_without_tag`` set the thresholds (defaults otherwise).
    addresses, landuse
        The district's address nodes and land-use areas, when known.
    register
        A premises register; it overrides the estimate of the buildings it matches.

    Examples
    --------
    >>> b = Buildings(
    ...     osm_id=np.array([1, 2, 3, 4, 5]),
    ...     footprint=np.array([shapely.box(0, 0, 20, 20)] * 5),
    ...     building=np.array(["apartments", "house", "garage", "apartments", "palace"]),
    ...     levels=np.array([np.nan, np.nan, np.nan, 2.0, 3.0]),
    ...     flats=np.array([np.nan, np.nan, np.nan, 12.0, np.nan]),
    ...     name=np.array([""] * 5),
    ... )
    >>> d = estimate_demand(b)
    >>> d.residential.tolist(), d.business.tolist(), d.source.tolist()
    ([18, 1, 0, 12, 0], [0, 0, 0, 0, 1], ['estimate', 'rule', 'none', 'tag', 'rule'])
    """
    params = params or DesignParams()
    rules = demand_rules()
    fallback = rules["yes"]
    k = len(buildings)
    kind = np.asarray(buildings.building, dtype=object).astype(str).astype(object)
    rule_of: list[DemandRule] = [rules.get(str(v), fallback) for v in kind]
    category = np.array([r.category for r in rule_of], dtype=object)
    per_unit = np.array([r.area_per_unit_m2 for r in rule_of], dtype=float)
    max_units = np.array([r.max_units for r in rule_of], dtype=np.int64)
    area = buildings.area_m2
    xy = buildings.centroid_xy

    levels, levels_source = resolve_levels(
        np.asarray(buildings.levels, dtype=float),
        buildings.column("height_m").astype(float),
        buildings.column("roof_levels").astype(float),
        kind,
        xy,
        np.array([r.default_levels for r in rule_of], dtype=float),
    )
    res_addr, bus_addr, _ = address_counts(buildings.footprint, addresses)
    own = buildings.column("addresses").astype(np.int64)
    use = buildings.column("use").astype(str)
    has_use = use != ""
    res_addr = res_addr + np.where(has_use, 0, own)
    bus_addr = bus_addr + np.where(has_use, own, 0)
    n_addr = res_addr + bus_addr
    floor = area * levels
    # A shop or office at the address takes the ground floor of a residential building.
    res_floor = area * np.where(bus_addr > 0, np.maximum(levels - 1.0, 1.0), levels)
    safe_unit = np.where(per_unit > 0, per_unit, 1.0)
    homes_by_area = np.maximum(np.rint(res_floor / safe_unit), 1).astype(np.int64)
    units_by_area = np.maximum(np.rint(floor / safe_unit), 1).astype(np.int64)

    # Context of untyped buildings: business tags and land use come first.
    land = landuse_of(xy, landuse)
    untyped = category == "untyped"
    category[untyped & np.isin(land, list(NO_PREMISES_LANDUSE)) & (n_addr == 0)] = "none"
    to_business = untyped & (
        has_use | np.isin(land, list(BUSINESS_LANDUSE)) | (area > LARGE_UNTYPED_M2)
    )
    category[to_business & (category == "untyped")] = "business"
    max_units[to_business] = UNTYPED_BUSINESS_MAX_UNITS
    per_unit[to_business] = 0.0
    farm = untyped & (land == "farmyard") & (category == "untyped")
    category[untyped & (category == "untyped")] = "residential"
    category[farm] = "farmyard"

    residential = np.zeros(k, dtype=np.int64)
    business = bus_addr.copy()
    source = np.full(k, "none", dtype=object)
    house_sized = (area <= SINGLE_HOME_MAX_FOOTPRINT_M2) & (levels <= SINGLE_HOME_MAX_LEVELS)

    m = category == "house"
    residential[m] = np.clip(np.maximum(res_addr[m], 1), 1, np.maximum(max_units[m], 1))
    source[m] = np.where(res_addr[m] > 0, "address", "rule")

    m = (category == "residential") & house_sized
    residential[m] = np.maximum(res_addr[m], 1)
    source[m] = np.where(res_addr[m] > 0, "address", "rule")

    m = (category == "farmyard") & house_sized
    residential[m] = np.maximum(res_addr[m], 1)
    source[m] = np.where(res_addr[m] > 0, "address", "rule")
    m = (category == "farmyard") & ~house_sized
    residential[m] = res_addr[m]  # barns: homes only where an address says so
    source[m] = np.where(res_addr[m] > 0, "address", "none")

    m = (category == "flats") | ((category == "residential") & ~house_sized)
    residential[m] = np.maximum(homes_by_area[m], res_addr[m])
    source[m] = np.where(res_addr[m] > homes_by_area[m], "address", "estimate")

    m = category == "row"
    residential[m] = np.where(res_addr[m] > 0, res_addr[m], homes_by_area[m])
    source[m] = np.where(res_addr[m] > 0, "address", "estimate")

    m = category == "business"
    cap = np.maximum(max_units[m], 1)
    estimate = np.where(per_unit[m] > 0, units_by_area[m], 1)
    business[m] = np.clip(np.maximum(n_addr[m], estimate), 1, cap)
    source[m] = np.where(n_addr[m] > 0, "address", "rule")

    business[category == "none"] = 0

    # Tiny footprints: no estimated premises (counted ones stay).
    tiny = (area < params.min_building_area_m2) & np.isin(source, ["rule", "estimate"])
    residential[tiny] = 0
    business[tiny & (bus_addr == 0)] = 0
    source[tiny] = "none"

    tagged = np.isfinite(buildings.flats) & (buildings.flats >= 0) & (buildings.flats < 1e6)
    residential[tagged] = np.rint(buildings.flats[tagged]).astype(np.int64)
    source[tagged] = "tag"

    register_report = None
    if register is not None:
        register_report = _apply_register(buildings, register, residential, business, source)

    calibration: dict[str, dict[str, Any]] = {}
    counted_by = source.copy()  # the sources before any calibration
    if params.households is not None:
        residential, res_source, record = calibrate(
            residential, source, params.households, "households"
        )
        source = np.where(residential > 0, res_source, source)
        calibration["households"] = record
    if params.businesses is not None:
        bus_source = np.where(business > 0, counted_by, "none")
        business, bus_new, record = calibrate(business, bus_source, params.businesses, "businesses")
        source = np.where(bus_new == "calibrated", "calibrated", source)
        calibration["businesses"] = record

    homes = residential + business
    source[(homes == 0)] = "none"
    warnings = _plausibility(buildings, residential, source, res_floor, params, calibration)
    return Demand(
        homes=homes,
        from_tag=tagged,
        residential=residential,
        business=business,
        source=source,
        category=category,
        kind=kind,
        levels=levels,
        levels_source=levels_source,
        warnings=warnings,
        calibration=calibration,
        register=register_report,
    )


def _apply_register(
    buildings: Buildings,
    register: PremisesRegister,
    residential: np.ndarray,
    business: np.ndarray,
    source: np.ndarray,
) -> dict[str, Any]:
    """Override the matched buildings' counts with the register's (in place)."""
    owner = points_to_buildings(buildings.footprint, register.xy, REGISTER_SNAP_M)
    hit = owner >= 0
    k = len(buildings)
    res = np.bincount(owner[hit], weights=register.residential[hit], minlength=k)
    bus = np.bincount(owner[hit], weights=register.business[hit], minlength=k)
    matched = np.bincount(owner[hit], minlength=k) > 0
    residential[matched] = np.rint(res[matched]).astype(np.int64)
    business[matched] = np.rint(bus[matched]).astype(np.int64)
    source[matched] = "register"
    return {
        "source": register.source,
        "points": len(register),
        "points_matched": int(hit.sum()),
        "points_unmatched": int((~hit).sum()),
        "buildings_matched": int(matched.sum()),
        "units_unmatched": int(register.residential[~hit].sum() + register.business[~hit].sum()),
    }


def _plausibility(
    buildings: Buildings,
    residential: np.ndarray,
    source: np.ndarray,
    floor_m2: np.ndarray,
    params: DesignParams,
    calibration: dict[str, dict[str, Any]],
) -> list[str]:
    """Findings a planner should check: huge buildings without a tag, odd densities."""
    out: list[str] = []
    counted = np.isin(source, ["tag", "register"])
    big = np.flatnonzero((residential > params.max_units_without_tag) & ~counted)
    if big.size:
        worst = big[np.argmax(residential[big])]
        out.append(
            f"{big.size} building(s) estimated above {params.max_units_without_tag} homes "
            f"without a flats tag (largest: OSM {osm_ref(int(buildings.osm_id[worst]))}, "
            f"{int(residential[worst])} homes): check them or tag building:flats"
        )
    homes = int(residential.sum())
    if homes > 0 and len(buildings) >= 3:
        hull = shapely.convex_hull(shapely.union_all(shapely.centroid(buildings.footprint)))
        hectares = float(shapely.area(hull)) / 1e4
        if hectares > 1.0 and homes / hectares > MAX_HOMES_PER_HA:
            out.append(
                f"{homes / hectares:.0f} homes per hectare of built-up area is implausibly "
                f"dense (above {MAX_HOMES_PER_HA:.0f}): check the levels and flat sizes"
            )
        res_floor = float(floor_m2[residential > 0].sum()) / homes
        lo, hi = FLOOR_PER_HOME_RANGE_M2
        if not lo <= res_floor <= hi:
            out.append(
                f"{res_floor:.0f} m2 of floor per home is outside the plausible {lo:.0f}-"
                f"{hi:.0f} m2: check the estimate or calibrate to a census"
            )
    for what, rec in calibration.items():
        factor = float(rec["factor"])
        if not 0.5 <= factor <= 2.0:
            out.append(
                f"calibration to {rec['target']} {what} scaled the estimates by {factor:.2f}: "
                "the district's outline and the census area may differ"
            )
    return out
