"""One consignment end to end: the Journey every journey feed is a view of, with each operator's events."""
from __future__ import annotations


class Journey:
    """One consignment (container or wagon) end to end, with every operator's events in neutral form."""

    __slots__ = (
        "kind", "jn", "waybill", "container", "iso", "wagon", "ady_wagon", "cargo", "weight_kg", "origin", "dest",
        "accepted", "cancelled", "ktz_train", "ady_train", "ktz_ops", "ady_ops", "aktau_moves", "baku_events",
        "ktz_cargo", "ady_cargo", "manifest", "declaration", "departed", "arrived",
    )

    def __init__(self, kind: str, jn: int):
        self.kind = kind  # XB (Xi'an–Baku container), W (westbound wagon), E (eastbound wagon)
        self.jn = jn
        self.container = self.iso = self.ktz_train = self.ady_train = None
        self.cancelled = False
        self.ktz_ops: list = []  # (code, t, esr, train_no)
        self.ady_ops: list = []  # (code, t, esr, train_no)
        self.aktau_moves: list = []  # (moveType, t, mode, ref, call_id)
        self.baku_events: list = []  # (Type, t, mode, attrs, facility)
        self.ktz_cargo: list = []  # (status, t, weight_kg)
        self.ady_cargo: list = []
        self.manifest = None  # (rotation, t)
        self.declaration = None  # (rotation, t, direction)
        self.departed = self.arrived = None

    @property
    def crosses(self) -> bool:
        """Both railways report it: accepted on one side of the Caspian and handed to the other."""
        return bool(self.ktz_cargo) and bool(self.ady_cargo) and not self.cancelled
