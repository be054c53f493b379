"""Labels and units of LBF's boligsociale data, by the indicator codes the portal uses
(``monitoring/data/lbf_indicators.csv``; each row names its source, see docs/lbf-year.md).

The codes are the portal's keys for LBF's area figures (the same keys the import file and
``Indicator.lbf_indicator_code`` use); an unknown code is shown as itself, without a unit.
Each row carries its label, unit and source in Danish and English (``*_en``); ``label``, ``unit`` and
``source`` give the active language's.
"""

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.utils.translation import get_language

DATA_FILE = Path(__file__).resolve().parent / "data" / "lbf_indicators.csv"


@dataclass(frozen=True)
class LbfIndicator:
    code: str
    label_da: str
    unit_da: str
    decimals: int
    direction: str  # "higher", "lower" or "" (neither is better)
    source_da: str
    label_en: str = ""
    unit_en: str = ""
    source_en: str = ""

    def _shown(self, name: str) -> str:
        english = (get_language() or "").startswith("en")
        return (getattr(self, f"{name}_en") if english else "") or getattr(self, f"{name}_da")

    @property
    def label(self) -> str:
        return self._shown("label")

    @property
    def unit(self) -> str:
        return self._shown("unit")

    @property
    def source(self) -> str:
        return self._shown("source")

    @property
    def display(self) -> str:
        return f"{self.label} ({self.unit})" if self.unit else self.label


@cache
def catalogue() -> dict[str, LbfIndicator]:
    with DATA_FILE.open(encoding="utf-8", newline="") as handle:
        return {
            row["code"]: LbfIndicator(
                code=row["code"],
                label_da=row["label"],
                unit_da=row["unit"],
                decimals=int(row["decimals"]),
                direction=row["direction"],
                source_da=row["source"],
                label_en=row["label_en"],
                unit_en=row["unit_en"],
                source_en=row["source_en"],
            )
            for row in csv.DictReader(handle)
        }


def describe(code: str) -> LbfIndicator:
    """The catalogue's entry for ``code``, or a stand-in showing the bare code."""
    return catalogue().get(code) or LbfIndicator(code, code, "", 2, "", "")
