"""Access architectures and their optics, read from ``data/architectures.csv``.

One row per architecture: technology (GPON, XGS-PON, P2P), loss class with
its maximum and minimum loss (ITU-T G.984.2, G.9807.1; IEEE 802.3 clause 59
for point-to-point Ethernet), split ratios, reach, and the central-office
equipment and customer terminal prices, each row with its source.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from importlib import resources

from fttx_planner.endpoints.rules import EndpointError


@dataclass(frozen=True)
class Architecture:
    """One access architecture (see the data file's columns)."""

    name: str
    technology: str
    loss_class: str
    budget_db: float
    min_loss_db: float
    split_ratio: int
    stage1_ratio: int
    reach_m: float
    port_eur: float
    ports_per_card: int
    card_eur: float
    chassis_eur: float
    slots_per_chassis: int
    rack_units_per_chassis: int
    cpe_eur: float
    source: str

    @property
    def p2p(self) -> bool:
        """Point-to-point: one fibre and one central-office port per premise."""
        return self.technology == "P2P"

    @property
    def port_share_eur(self) -> float:
        """One port with its share of a line card."""
        return self.port_eur + self.card_eur / self.ports_per_card

    def describe(self) -> str:
        """One line, e.g. ``"XGS-PON 1:64, class N2 (31 dB)"``."""
        if self.p2p:
            return f"point-to-point Ethernet ({self.loss_class}, {self.budget_db:g} dB)"
        stages = (
            f"1:{self.stage1_ratio} + 1:{self.split_ratio // self.stage1_ratio}"
            if self.stage1_ratio > 1
            else f"1:{self.split_ratio}"
        )
        return f"{self.technology} {stages}, class {self.loss_class} ({self.budget_db:g} dB)"


_INT = ("split_ratio", "stage1_ratio", "ports_per_card", "slots_per_chassis",
        "rack_units_per_chassis")  # fmt: skip
_FLOAT = ("budget_db", "min_loss_db", "reach_m", "port_eur", "card_eur", "chassis_eur", "cpe_eur")


def load_architectures(text: str | None = None) -> dict[str, Architecture]:
    """The architectures by name (the shipped file when ``text`` is ``None``)."""
    if text is None:
        text = resources.files("fttx_planner.data").joinpath("architectures.csv").read_text()
    out: dict[str, Architecture] = {}
    for line, row in enumerate(csv.DictReader(io.StringIO(text)), start=2):
        try:
            values = {k: int(row[k]) for k in _INT} | {k: float(row[k]) for k in _FLOAT}
        except (KeyError, ValueError, TypeError) as exc:
            msg = f"architectures line {line}: unreadable number ({exc})"
            raise EndpointError(msg) from None
        if not (row.get("source") or "").strip():
            msg = f"architectures line {line}: source is empty"
            raise EndpointError(msg)
        out[row["architecture"]] = Architecture(
            name=row["architecture"],
            technology=row["technology"],
            loss_class=row["loss_class"],
            source=row["source"],
            **values,  # type: ignore[arg-type]
        )
    return out
