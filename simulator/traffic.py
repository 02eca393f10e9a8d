"""How much traffic, and of what: daily wagonload volumes, the block-train plan, cargo and route mixes.

Mixes are [(item, weight)] tables for draws.pick.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .clock import FIRST_DATE
from .network import (
    ABSHERON,
    ALMATY,
    ALTYNKOL,
    BAKU_TOV,
    BEYNEU,
    BOYUK_KESIK,
    DOSTYK,
    GANJA,
    KYZYLORDA,
    MANGYSHLAK,
    SHU,
)


@dataclass(frozen=True)
class Cargo:
    """A commodity: ETSNG and GNG codes, English and Azerbaijani names."""

    etsng: str
    gng: str
    en: str
    az: str

    @property
    def hs(self) -> str:
        return self.gng[:6]


WEST_CARGO = [
    (Cargo("011005", "10019900", "Wheat", "Buğda"), 30), (Cargo("012008", "10039000", "Barley", "Arpa"), 8),
    (Cargo("214208", "27101943", "Diesel fuel", "Dizel yanacağı"), 14), (Cargo("211051", "27101962", "Fuel oil", "Mazut"), 8),
    (Cargo("321017", "72083900", "Flat-rolled steel", "Polad təbəqə"), 10), (Cargo("352219", "74031100", "Copper cathodes", "Mis katodlar"), 5),
    (Cargo("434117", "31023010", "Ammonium nitrate", "Ammonium nitrat"), 8), (Cargo("434085", "31021010", "Urea", "Karbamid"), 6),
    (Cargo("485223", "28151100", "Caustic soda", "Kaustik soda"), 4), (Cargo("161005", "15121191", "Sunflower oil", "Günəbaxan yağı"), 7),
]
EAST_CARGO = [
    (Cargo("214208", "27101943", "Diesel fuel", "Dizel yanacağı"), 25), (Cargo("486174", "39021000", "Polypropylene", "Polipropilen"), 20),
    (Cargo("485223", "28151100", "Caustic soda", "Kaustik soda"), 10), (Cargo("542016", "52010010", "Raw cotton", "Xam pambıq"), 10),
    (Cargo("391024", "73042900", "Steel pipes", "Polad borular"), 15), (Cargo("129018", "08051000", "Oranges", "Portağal"), 8),
    (Cargo("201019", "27090090", "Crude oil", "Xam neft"), 12),
]
CONTAINER_CARGO = [
    (Cargo("693056", "85176200", "Electronics", "Elektronika"), 20), (Cargo("391159", "87089997", "Auto parts", "Avtomobil hissələri"), 18),
    (Cargo("161133", "09024000", "Tea", "Çay"), 8), (Cargo("161086", "09011100", "Coffee", "Qəhvə"), 4),
    (Cargo("542082", "52085900", "Textiles", "Parçalar"), 15), (Cargo("693181", "94036010", "Furniture", "Mebel"), 12),
    (Cargo("391210", "84818099", "Valves and fittings", "Armatur"), 10), (Cargo("693147", "64039900", "Footwear", "Ayaqqabı"), 8),
]
ISO_MIX = [("45G1", 70), ("42G1", 12), ("22G1", 10), ("25G1", 3), ("22T6", 2), ("45R1", 2), ("L5G1", 1)]
OWNERS = ["KTZU", "CSQU", "TGHU", "FSCU", "BMOU", "SEGU"]  # container owner codes, in turn

KZ_ORIGINS = [(ALTYNKOL, 14), (DOSTYK, 14), (ALMATY, 16), (SHU, 10), (KYZYLORDA, 20), (BEYNEU, 10), (MANGYSHLAK, 16)]
AZ_DESTS = [(BAKU_TOV, 25), (ABSHERON, 10), (GANJA, 25), (BOYUK_KESIK, 40)]
AZ_ORIGINS = [(BAKU_TOV, 35), (GANJA, 25), (BOYUK_KESIK, 40)]
KZ_DESTS = [(BEYNEU, 10), (KYZYLORDA, 20), (SHU, 10), (ALMATY, 30), (ALTYNKOL, 15), (DOSTYK, 15)]

WEST_SHARE = 0.8
CANCEL_SHARE = 0.01
WEIGHT_MISMATCH_SHARE = 0.015  # the second railway records another weight
MISMATCH_FACTORS = (0.95, 1.04, 0.97)


def wagons_per_day(d: date) -> float:
    """Expected wagonload consignments a day at scale 1: growth from ~114 (Jan 2023) to ~140 (Jan 2024) and on."""
    years = (d - FIRST_DATE).days / 365.0
    weekly = (1.04, 1.04, 1.02, 1.02, 1.0, 0.96, 0.92)[d.weekday()]
    return (113.4 + 23.5 * years) * weekly


def xb_trains_in_month(year: int, month: int) -> int:
    """Xi'an–Baku block trains planned a month: ramping up through 2023, 10 a month from 2024."""
    if year < 2024:
        return 4 + (month - 1) // 2
    return 10


def ferry_lanes(scale: float) -> int:
    """Daily ferry rotations: enough for the westbound wagons of 2025 with a fifth spare, 50 wagons a ferry."""
    return max(1, -(-int(wagons_per_day(date(2025, 1, 1)) * WEST_SHARE * scale * 1.2) // 50))
