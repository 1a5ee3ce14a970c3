"""Validate a plan folder's Open Fibre Data Standard export against the OFDS JSON schema.

Neither ``jsonschema`` nor the schema is a dependency of the project and
nothing is downloaded: run it with a Python that has ``jsonschema`` (Debian:
``python3-jsonschema``) and a copy of OFDS 0.3.0's ``schema/network-schema.json``::

    /usr/bin/python3 bench/check_ofds.py out/balzers network-schema.json

Prints every schema error (path and message) and exits 1 if there is one.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__)
        return 2
    import jsonschema

    folder, schema_path = Path(argv[0]), Path(argv[1])
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    package = json.loads((folder / "ofds" / "network.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    errors = 0
    for net in package["networks"]:
        for err in validator.iter_errors(net):
            errors += 1
            print(f"{err.json_path}: {err.message[:300]}")
        print(
            f"{net['name']}: {len(net['nodes']):,} nodes, {len(net['spans']):,} spans, "
            f"{errors} schema errors ({schema.get('$id', schema_path)})"
        )
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
