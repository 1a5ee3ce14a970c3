"""Public endpoints on the same fibre, and GPON / XGS-PON / point-to-point side by side.

* :mod:`~fttx_planner.endpoints.rules`: the endpoint classes and their
  connection rules (``data/endpoint_rules.csv``, each with its source);
* :mod:`~fttx_planner.endpoints.osm` and :mod:`~fttx_planner.endpoints.layer`:
  endpoints from the OSM file and from a user layer;
* :mod:`~fttx_planner.endpoints.planning`: endpoints planned with the homes in
  one design (:class:`~fttx_planner.endpoints.planning.CityPlan`);
* :mod:`~fttx_planner.endpoints.diversity`: a second, trench-disjoint path for
  critical endpoints;
* :mod:`~fttx_planner.endpoints.compare`: the same district as GPON, XGS-PON
  and point-to-point (``data/architectures.csv``);
* :mod:`~fttx_planner.endpoints.command`: ``fttx-planner compare`` and
  ``fttx-planner city``.

See docs/endpoints.md.
"""
