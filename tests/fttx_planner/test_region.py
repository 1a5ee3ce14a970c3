"""Region planning: service areas around central offices, planned on a Dask cluster.

A small synthetic region (about 3,000 buildings) split into service areas of
at most 2,500 homes; the cluster is a LocalCluster of two workers.
"""

from __future__ import annotations

import json
import logging
import os
import signal
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pyogrio
import pytest
from distributed import Client, LocalCluster
from scipy.sparse.csgraph import dijkstra

from fttx_planner.catalogue import Catalogue
from fttx_planner.cli import main
from fttx_planner.demand.premises import estimate_demand
from fttx_planner.design.planner import plan_district
from fttx_planner.district import District
from fttx_planner.network.sparse import symmetric_matrix
from fttx_planner.params import DesignParams
from fttx_planner.region import (
    CentralOffice,
    assign_homes,
    choose_central_offices,
    co_cost_eur,
    load_central_offices,
    plan_area,
    plan_region,
    split_region,
)
from fttx_planner.region.areas import ServiceArea
from fttx_planner.region.sites import SitesError
from fttx_planner.region.tasks import AreaResult
from fttx_planner.synthetic import grid_district

MAX_HOMES = 2500


@pytest.fixture(scope="module")
def region() -> District:
    return grid_district(3000, irregular=True, seed=3, name="Synthetic region")


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    logging.getLogger("distributed").setLevel(logging.ERROR)
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0",
            protocol="tcp",
        ) as cluster,
        Client(cluster) as c,
    ):  # fmt: skip
        yield c


@pytest.fixture(scope="module")
def one_by_one(region: District) -> object:
    return plan_region(region, max_area_homes=MAX_HOMES)


def _homes(d: District) -> np.ndarray:
    p = DesignParams()
    return estimate_demand(d.buildings, p, d.addresses, d.landuse, d.register).homes


def test_engine_places_enough_offices_within_reach(region: District) -> None:
    homes = _homes(region)
    params = DesignParams()
    offices = choose_central_offices(region, homes, params, Catalogue.default(), None, MAX_HOMES)
    assert len(offices) >= int(np.ceil(homes.sum() / MAX_HOMES))
    assert all(o.chosen for o in offices)
    a = assign_homes(region, homes, offices, params)
    assert (a.co[homes > 0] >= 0).all()
    assert np.nanmax(a.fibre_m) <= params.max_fibre_m
    areas = split_region(region, homes, offices, a)
    assert sum(ar.homes for ar in areas) == homes.sum()
    assert max(ar.homes for ar in areas) <= MAX_HOMES


def test_homes_go_to_the_nearest_office_along_the_streets(region: District) -> None:
    homes = _homes(region)
    s = region.streets
    # Two offices on street nodes at opposite corners.
    corner = [int(np.argmin(s.node_xy.sum(axis=1))), int(np.argmax(s.node_xy.sum(axis=1)))]
    offices = [CentralOffice(f"C{i}", *map(float, s.node_xy[n])) for i, n in enumerate(corner)]
    a = assign_homes(region, homes, offices, DesignParams())
    mat = symmetric_matrix(s.n_nodes, s.edge_u, s.edge_v, s.edge_length_m)
    dist = dijkstra(mat, directed=False, indices=corner)
    b = np.flatnonzero(homes > 0)
    e = a.building_edge[b]
    # Through either end of its street edge: the nearer office wins.
    d_node = np.minimum(dist[:, s.edge_u[e]], dist[:, s.edge_v[e]])
    clear = np.abs(d_node[0] - d_node[1]) > 2 * s.edge_length_m[e]
    assert clear.sum() > 0.8 * len(b)
    assert (a.co[b][clear] == np.argmin(d_node[:, clear], axis=0)).all()


def test_homes_beyond_reach_are_unserved_with_the_reason(region: District) -> None:
    homes = _homes(region)
    params = DesignParams(max_reach_m=600.0)
    s = region.streets
    centre = int(np.argmin(np.hypot(*(s.node_xy - s.node_xy.mean(axis=0)).T)))
    offices = [CentralOffice("centre", *map(float, s.node_xy[centre]))]
    a = assign_homes(region, homes, offices, params)
    far = (homes > 0) & (a.co < 0)
    assert far.any() and (a.co[homes > 0] == 0).any()
    assert np.nanmax(a.fibre_m[a.co >= 0]) <= 600.0
    assert all("over the 600 m" in r for r in a.reason[far])


def test_offices_from_csv_and_geojson(tmp_path: Path, region: District) -> None:
    s = region.streets
    xy = s.node_xy[[0, s.n_nodes - 1]]
    csv = tmp_path / "cos.csv"
    pd.DataFrame({"name": ["west", "east"], "x": xy[:, 0], "y": xy[:, 1]}).to_csv(csv, index=False)
    offices = load_central_offices(csv, region.crs)
    assert [o.name for o in offices] == ["west", "east"]
    assert np.allclose([o.xy for o in offices], xy)
    import geopandas as gpd

    gdf = gpd.GeoDataFrame({"name": ["west", "east"]}, geometry=gpd.points_from_xy(*xy.T),
                           crs=region.crs).to_crs("EPSG:4326")  # fmt: skip
    gdf.to_file(tmp_path / "cos.geojson")
    back = load_central_offices(tmp_path / "cos.geojson", region.crs)
    assert np.allclose([o.xy for o in back], xy, atol=0.01)
    bad = tmp_path / "bad.csv"
    bad.write_text("name,east,north\na,1,2\n")
    with pytest.raises(SitesError, match="needs lon,lat"):
        load_central_offices(bad, region.crs)


def test_cluster_gives_the_same_plan_as_one_by_one(
    region: District, client: Client, one_by_one: object, tmp_path: Path
) -> None:
    seen: list[tuple[int, int]] = []
    plan = plan_region(region, tmp_path, client=client, max_area_homes=MAX_HOMES,
                       progress=lambda done, total, text: seen.append((done, total)))  # fmt: skip
    ref = one_by_one
    assert len(plan.areas) >= 2 and not plan.failed
    assert seen[-1] == (len(plan.areas), len(plan.areas))
    for a, b in zip(plan.areas, ref.areas, strict=True):  # type: ignore[attr-defined]
        assert (a.area_id, a.co_name) == (b.area_id, b.co_name)
        assert a.summary["capex_eur"]["total"] == pytest.approx(b.summary["capex_eur"]["total"])
        assert a.summary["homes"] == b.summary["homes"]
    s, r = plan.summary, ref.summary  # type: ignore[attr-defined]
    assert s["capex_eur"]["total"] == pytest.approx(r["capex_eur"]["total"])
    assert s["lower_bound_eur"] == pytest.approx(r["lower_bound_eur"])
    # ... and the same as planning each area's district directly.
    homes = _homes(region)
    params, cat = DesignParams(), Catalogue.default()
    offices = choose_central_offices(region, homes, params, cat, None, MAX_HOMES)
    areas = split_region(region, homes, offices, assign_homes(region, homes, offices, params))
    direct = [plan_district(ar.district, params, cat) for ar in areas]
    area_eur = sum(p.total_cost_eur for p in direct)
    assert s["capex_eur"]["total"] == pytest.approx(area_eur + len(areas) * (
        cat.cost("co_site") + cat.cost("co_power")))  # fmt: skip
    assert s["homes"]["passed"] == sum(p.homes_passed for p in direct) == homes.sum()
    # Bounds: the regional one holds for any partition, so it is the lower.
    assert s["lower_bound_eur"] <= s["partition_lower_bound_eur"] <= s["capex_eur"]["total"]
    assert s["partition_lower_bound_eur"] == pytest.approx(
        sum(p.lower_bound_eur for p in direct) + len(areas) * (co_cost_eur(cat) -
        cat.cost("olt_chassis")))  # fmt: skip
    # Outputs: one GeoPackage with every area's layers and the service areas.
    layers = dict(pyogrio.list_layers(tmp_path / "plan.gpkg"))
    assert {"service_areas", "central_offices", "streets", "buildings", "trenches"} <= set(layers)
    bld = pyogrio.read_dataframe(tmp_path / "plan.gpkg", layer="buildings")
    assert sorted(bld["area_id"].unique()) == [a.area_id for a in plan.areas]
    assert len(bld) == sum(len(p.buildings) for p in direct)
    sa = pyogrio.read_dataframe(tmp_path / "plan.gpkg", layer="service_areas")
    assert len(sa) == len(plan.areas) and (sa["status"] == "planned").all()
    assert sa.to_crs(region.crs).geometry.area.min() > 0
    bom = pd.read_csv(tmp_path / "bom.csv")
    assert bom["cost_eur"].sum() == pytest.approx(s["capex_eur"]["total"])
    assert (bom["item"] == "co_site").sum() == 1
    table = pd.read_csv(tmp_path / "areas.csv")
    assert len(table) == len(plan.areas)
    for a in plan.areas:
        assert a.folder is not None
        one = json.loads((a.folder / "summary.json").read_text())
        assert one["capex_eur"]["total"] == pytest.approx(a.summary["capex_eur"]["total"])


def _fail_area_2(
    area: ServiceArea, params: DesignParams, catalogue: Catalogue, out: Path | None
) -> AreaResult:
    if area.area_id == 2:
        msg = "area 2 refuses to be planned"
        raise RuntimeError(msg)
    return plan_area(area, params, catalogue, out)


def test_a_failing_area_reports_its_error_and_the_others_finish(
    region: District, client: Client, one_by_one: object, tmp_path: Path
) -> None:
    plan = plan_region(region, tmp_path, client=client, max_area_homes=MAX_HOMES,
                       planner=_fail_area_2)  # fmt: skip
    assert [a.area_id for a in plan.failed] == [2]
    assert plan.failed[0].error == "RuntimeError: area 2 refuses to be planned"
    s = plan.summary
    assert s["areas"]["failures"][0]["area_id"] == 2
    assert any("area 2" in w and "refuses" in w for w in s["warnings"])
    ref = {a.area_id: a for a in one_by_one.areas}  # type: ignore[attr-defined]
    for a in plan.areas:
        if a.area_id != 2:
            assert a.summary["capex_eur"]["total"] == pytest.approx(
                ref[a.area_id].summary["capex_eur"]["total"]
            )
    assert s["homes"]["in_failed_areas"] > 0
    assert s["homes"]["passed"] + s["homes"]["in_failed_areas"] == pytest.approx(
        one_by_one.summary["homes"]["passed"]  # type: ignore[attr-defined]
    )
    sa = pyogrio.read_dataframe(tmp_path / "plan.gpkg", layer="service_areas")
    assert sa.set_index("area_id").loc[2, "status"] == "failed"


@pytest.mark.slow
def test_a_killed_worker_is_replaced_and_the_plan_complete(
    region: District, one_by_one: object
) -> None:
    killed: list[int] = []
    with (
        LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                     dashboard_address=":0") as cluster,
        Client(cluster) as c,
    ):  # fmt: skip
        pids = c.run(os.getpid)

        def kill_a_busy_worker(done: int, total: int, text: str) -> None:
            if killed:
                return
            busy = [addr for addr, keys in c.processing().items() if keys]
            if busy:
                killed.append(pids[busy[0]])
                os.kill(pids[busy[0]], signal.SIGKILL)

        plan = plan_region(region, None, client=c, max_area_homes=MAX_HOMES // 3,
                           progress=kill_a_busy_worker)  # fmt: skip
    assert killed, "no worker was busy when the first area finished"
    assert not plan.failed
    assert len(plan.areas) >= 6
    homes = one_by_one.summary["homes"]["passed"]  # type: ignore[attr-defined]
    assert plan.summary["homes"]["passed"] == sum(int(a.homes[a.served].sum()) for a in plan.areas)
    assert plan.summary["homes"]["passed"] == homes
    assert plan.summary["areas"]["planned"] == len(plan.areas)
    assert plan.bom["cost_eur"].sum() == pytest.approx(plan.summary["capex_eur"]["total"])


def test_command_line(region: District, client: Client, tmp_path: Path,
                      capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    from fttx_planner.samples import load_sample

    osm = tmp_path / "missing.osm.pbf"
    assert main(["region", str(osm), "--out", str(tmp_path / "x"), "--quiet"]) == 2
    assert "neither an OSM file nor a sample" in capsys.readouterr().err
    d = load_sample("liechtenstein_balzers")
    cos = tmp_path / "cos.csv"
    s = d.streets
    pd.DataFrame({"x": s.node_xy[[0, -1], 0], "y": s.node_xy[[0, -1], 1]}).to_csv(cos, index=False)
    out = tmp_path / "out"
    code = main(["region", "liechtenstein_balzers", "--out", str(out), "--cos", str(cos),
                 "--scheduler", client.scheduler.address, "--quiet"])  # fmt: skip
    assert code == 0
    text = capsys.readouterr().out
    assert "2 central offices" in text and "regional lower bound" in text
    summary = json.loads((out / "summary.json").read_text())
    assert [o["chosen_by"] for o in summary["central_offices"]] == ["user", "user"]
    assert summary["homes"]["passed"] > 0
    # The finance models read a region summary like a district's.
    from models import NetworkCapex

    capex = NetworkCapex.from_summary(summary)
    assert capex.homes_passed == summary["homes"]["passed"]
