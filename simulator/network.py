"""The corridor's rail network: station codes, running times between stations, and the routes trains take.

A route is [(esr, hours from the previous station, stop hours or 0 = passes)], origin first.
"""
from __future__ import annotations

import functools

# Stations (simulated ESR codes of reference/locations.md).
XIAN, ALTYNKOL, DOSTYK, ALMATY, SHU, KYZYLORDA = "990014", "705509", "703202", "700007", "690801", "670102"
BEYNEU, MANGYSHLAK, AKTAU_PORT = "662002", "663005", "663109"
ALAT, BAKU_TOV, ABSHERON, GANJA, BOYUK_KESIK = "552508", "551007", "551204", "556000", "558006"

# KTZ main line towards the Caspian.
KZ_LINE = [(ALMATY, 0, 2.0), (SHU, 5.0, 0), (KYZYLORDA, 17.0, 2.0), (BEYNEU, 15.0, 3.0), (MANGYSHLAK, 9.0, 0), (AKTAU_PORT, 1.5, 0)]
BORDER_TO_ALMATY = {ALTYNKOL: 9.0, DOSTYK: 14.0}
XIAN_TO_BORDER_H = 112.0  # calibrated with the other legs to a median door-to-door transit of 11 days
BORDER_DWELL_H = (8.0, 20.0)
# ADY lines from the port station at Alat: (station, hours from the previous station).
AZ_LINES = {
    BAKU_TOV: [(ALAT, 0), (BAKU_TOV, 1.8)],
    ABSHERON: [(ALAT, 0), (ABSHERON, 2.6)],
    GANJA: [(ALAT, 0), (GANJA, 6.0)],
    BOYUK_KESIK: [(ALAT, 0), (GANJA, 6.0), (BOYUK_KESIK, 2.5)],
}
# ADY routes from Alat to each destination and back; every intermediate station is a one-hour stop.
AZ_ROUTES_WEST = {dest: [(s, h, 1.0) for s, h in line] for dest, line in AZ_LINES.items()}
AZ_ROUTES_EAST = {o: [(line[-1][0], 0, 0)] + [(line[n - 1][0], line[n][1], 1.0) for n in range(len(line) - 1, 0, -1)]
                  for o, line in AZ_LINES.items()}


@functools.cache
def kz_route_west(origin: str) -> list:
    """KTZ route from `origin` (a border station or a station of the main line) to Aktau port."""
    if origin in BORDER_TO_ALMATY:
        return [(origin, 0, 0)] + [(ALMATY, BORDER_TO_ALMATY[origin], 2.0)] + KZ_LINE[1:]
    idx = [s for s, _, _ in KZ_LINE].index(origin)
    return [(origin, 0, 0)] + KZ_LINE[idx + 1:]


@functools.cache
def kz_route_east(dest: str) -> list:
    """KTZ route from Aktau port back along the main line to `dest` (on it, or a border station past Almaty)."""
    line = [(AKTAU_PORT, 0, 0)]
    hours = {s: h for s, h, _ in KZ_LINE}
    prev = AKTAU_PORT
    for esr, _, stop in KZ_LINE[::-1][1:]:  # walk back from the port
        line.append((esr, hours[prev], stop))
        prev = esr
        if esr == dest:
            break
    if dest in BORDER_TO_ALMATY:
        line.append((dest, BORDER_TO_ALMATY[dest], 0))
    return line
