"""Reference data the product carries: corridor locations, operators and vessels (warehouse/seeds)."""
from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from importlib import resources


@dataclass(frozen=True)
class Location:
    location_code: str
    name: str
    country_code: str
    location_type: str
    esr_code: str | None
    unlocode: str | None
    timezone: str
    latitude: float
    longitude: float
    aliases: tuple[str, ...]
    network: str | None


def _seed_rows(name: str) -> list[dict[str, str]]:
    text = resources.files("corridor.warehouse").joinpath("seeds", name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


@functools.cache
def locations() -> tuple[Location, ...]:
    return tuple(
        Location(
            location_code=r["location_code"],
            name=r["name"],
            country_code=r["country_code"],
            location_type=r["location_type"],
            esr_code=r["esr_code"] or None,
            unlocode=r["unlocode"] or None,
            timezone=r["timezone"],
            latitude=float(r["latitude"]),
            longitude=float(r["longitude"]),
            aliases=tuple(a for a in r["aliases"].split("|") if a),
            network=r["network"] or None,
        )
        for r in _seed_rows("locations.csv")
    )


@functools.cache
def location_by_esr() -> dict[str, Location]:
    return {loc.esr_code: loc for loc in locations() if loc.esr_code}


@functools.cache
def location_by_unlocode() -> dict[str, Location]:
    """UN/LOCODE → location, operators' aliases (AZALA) included."""
    out = {loc.unlocode: loc for loc in locations() if loc.unlocode}
    for loc in locations():
        out.update({alias: loc for alias in loc.aliases})
    return out


@functools.cache
def operators() -> tuple[dict[str, str], ...]:
    return tuple(_seed_rows("operators.csv"))


@functools.cache
def vessels() -> tuple[dict[str, str], ...]:
    return tuple(_seed_rows("vessels.csv"))
