"""Step 1: an OpenStreetMap file (or a cached online fetch) to a district.

The result is a :class:`~fttx_planner.district.District` in one metric CRS.

Modules
-------
load
    ``.osm``, ``.osm.gz``, ``.osm.bz2``, ``.osm.pbf`` to a district (pyosmium), checks.
_handlers, _geometry
    the raw OSM objects and the street graph and building footprints built from them.
projection
    UTM zone choice and transforms between WGS84 and the district's metric CRS.
online
    optional fetch by place name or bounding box through osmnx, cached on disk.
"""
