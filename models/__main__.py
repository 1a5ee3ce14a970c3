"""``python -m models``: the finance comparison for a user without the planner."""

from __future__ import annotations

import sys

from models.cli import main

if __name__ == "__main__":
    sys.exit(main())
