"""Step 6: a design to its bill of materials and capex, priced from the catalogue.

Modules
-------
bom
    BOM lines by layer and by to-pass / to-connect, each unit price with its source.

The catalogue itself (:mod:`fttx_planner.catalogue`) stays at the top: it is
an input, like the parameters, and the network already prices its edges with it.
"""
