"""Labels and units of LBF's boligsociale data, by the indicator codes the portal uses
(``monitoring/data/lbf_indicators.csv``; each row names its source, see docs/lbf-year.md).

The codes are the portal's keys for LBF's area figures (the same keys the import file and
``Indicator.lbf_indicator_code`` use); an unknown code is shown as itself, without a unit.
"""

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parent / "data" / "lbf_indicators.csv"


@dataclass(frozen=True)
class LbfIndicator:
    code: str
    label: str
    unit: str
    decimals: int
    direction: str  # "higher", "lower" or "" (neither is better)
    source: str

    @property
    def display(self) -> str:
        return f"{self.label} ({self.unit})" if self.unit else self.label


@cache
def catalogue() -> dict[str, LbfIndicator]:
    with DATA_FILE.open(encoding="utf-8", newline="") as handle:
        return {
            row["code"]: LbfIndicator(
                code=row["code"],
                label=row["label"],
                unit=row["unit"],
                decimals=int(row["decimals"]),
                direction=row["direction"],
                source=row["source"],
            )
            for row in csv.DictReader(handle)
        }


def describe(code: str) -> LbfIndicator:
    """The catalogue's entry for ``code``, or a stand-in showing the bare code."""
    return catalogue().get(code) or LbfIndicator(code, code, "", 2, "", "")
