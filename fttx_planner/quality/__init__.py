"""How good a design is: lower bounds, the exact MILP reference and naive baselines.

Modules
-------
bound
    a lower bound on the cost of any feasible design, attached to every plan.
exact
    the exact MILP (HiGHS) on small districts, to prove the engine optimal or measure its gap.
naive
    naive designs (independent paths, k-means splitters) the engine must beat.

Nothing in :mod:`fttx_planner.design` imports this package except the one call
that attaches the bound to a plan.
"""
