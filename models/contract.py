"""The contract tables of warehouse.md, one SQLModel class each: the single declaration of the contract.

Each column states its kind (the exact DuckDB type, and the unit where it has one), whether it may be
null, and its analyst-facing description; each table states its grain. From these come the DuckDB
column and table comments (written at every bootstrap), the unique-key half of the warehouse checks
(`corridor.warehouse.checks`), the data dictionary (`docs/warehouse.md`, `corridor.models.dictionary`)
and the test that a freshly migrated warehouse equals them (`corridor.models.compare`).
The DDL itself stays in the hand-written migrations (`warehouse/migrations`), which are the history.

Grain: the columns marked `key=True` are the table's primary key, one row per distinct value of
them; `contract_table(..., ddl_key=True)` says the migrations also declare that PRIMARY KEY in
DuckDB (the reference dimensions and meta.load). The fact and mart tables declare none, by design:
a duplicate there is reported by the generated `unique:<schema>.<table>` check after every sync,
which fails the run and keeps the rows for inspection, rather than aborting a load's or a rebuild's
transaction half-way, and no index is maintained on every MERGE. quality.quarantine cannot declare
one: its grain has nullable members (see the class).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ARRAY, BigInteger, Boolean, Column, Date, DateTime, Double, Integer, Numeric, String, Table
from sqlalchemy.types import TypeEngine
from sqlmodel import Field, SQLModel


@dataclass(frozen=True)
class Kind:
    """A column kind: its exact DuckDB type, the matching SQLAlchemy type, and its unit (warehouse.md conventions)."""

    duckdb_type: str
    sa_type: Callable[[], TypeEngine]
    unit: str | None = None


KINDS: dict[str, Kind] = {
    "text": Kind("VARCHAR", String),
    "int": Kind("INTEGER", Integer),
    "count": Kind("BIGINT", BigInteger),                         # counts are BIGINT
    "double": Kind("DOUBLE", Double),
    "bool": Kind("BOOLEAN", Boolean),
    "date": Kind("DATE", Date),
    "list": Kind("VARCHAR[]", lambda: ARRAY(String)),
    # Kinds with a unit; a column's name ends as the convention says (tests/models/test_conventions.py).
    "utc": Kind("TIMESTAMP", DateTime, "UTC"),                   # ..._utc: an instant, naive UTC
    "month": Kind("DATE", Date, "UTC month"),                    # month: first day of the UTC month
    "tonnes": Kind("DECIMAL(12,3)", lambda: Numeric(12, 3), "tonnes"),  # ..._t
    "hours": Kind("DOUBLE", Double, "hours"),                    # ..._hours
    "days": Kind("DOUBLE", Double, "days"),                      # ..._days
    "pct": Kind("DOUBLE", Double, "percent"),                    # ..._pct, 0 to 100
}


def col(kind: str, description: str, *, nullable: bool, key: bool = False) -> Any:
    """A column of `kind` (KINDS) with its description; `nullable` is always stated, a key column is never null."""
    if key and nullable:
        raise ValueError(f"a key column cannot be nullable: {description!r}")
    spec = KINDS[kind]
    return Field(
        default=None,
        description=description,
        sa_column=Column(
            spec.sa_type(), primary_key=key, nullable=nullable, comment=description,
            info={"kind": kind, "duckdb_type": spec.duckdb_type, "unit": spec.unit},
        ),
    )


def contract_table(schema: str, description: str, *, ddl_key: bool = False, checked: bool = True,
                   grain: tuple[str, ...] | None = None) -> dict[str, Any]:
    """`__table_args__` of a contract table.

    ddl_key: the migrations declare the grain as the table's PRIMARY KEY in DuckDB.
    checked: the warehouse checks after every sync verify the grain (`unique:<schema>.<table>`).
    grain:   SQL expressions of the grain, only for a table whose grain cannot be a primary key.
    """
    return {"schema": schema, "comment": description,
            "info": {"ddl_key": ddl_key, "checked": checked, "grain": grain}}


# -- core ------------------------------------------------------------------------------------------

class DimLocation(SQLModel, table=True):
    __tablename__ = "dim_location"
    __table_args__ = contract_table("core", "One row per station, port, terminal or border point.", ddl_key=True)
    location_code: str = col("text", "UN/LOCODE where the location has one, else ESR followed by its six digits (ESR705509)", nullable=False, key=True)
    name: str = col("text", "Location name", nullable=False)
    country_code: str = col("text", "ISO 3166-1 alpha-2 country code", nullable=False)
    location_type: str = col("text", "RAIL_STATION, PORT, BORDER_CROSSING or TERMINAL", nullable=False)
    esr_code: str | None = col("text", "ESR station code, 6 digits; null where the location has none", nullable=True)
    unlocode: str | None = col("text", "UN/LOCODE; null where the location has none", nullable=True)
    timezone: str = col("text", "IANA time zone name of the location (for its local times)", nullable=False)
    latitude: float | None = col("double", "Latitude, degrees (approximate)", nullable=True)
    longitude: float | None = col("double", "Longitude, degrees (approximate)", nullable=True)
    aliases: list[str] | None = col("list", "Operators' synonyms of this location's code (e.g. AZALA for AZBAK)", nullable=True)
    served_port_code: str | None = col("text", "For the rail station of a port: the port it serves; null elsewhere", nullable=True)


class DimOperator(SQLModel, table=True):
    __tablename__ = "dim_operator"
    # Not checked after a sync: DuckDB's PRIMARY KEY already refuses a duplicate of these four seeded rows.
    __table_args__ = contract_table("core", "The four operators whose feeds the warehouse harmonises.",
                                    ddl_key=True, checked=False)
    operator_code: str = col("text", "KTZ, ADY, AKTAU_PORT or BAKU_PORT", nullable=False, key=True)
    name: str = col("text", "Operator name", nullable=False)
    country_code: str = col("text", "ISO 3166-1 alpha-2 country code", nullable=False)
    operator_type: str = col("text", "RAIL or PORT", nullable=False)


class FactEquipmentEvent(SQLModel, table=True):
    __tablename__ = "fact_equipment_event"
    __table_args__ = contract_table("core", "One row per source tracking record (latest revision), yard shifts excluded.")
    event_id: str = col("text", "Stable key, unique: operator code and source record id", nullable=False, key=True)
    operator_code: str = col("text", "Operator that reported the event", nullable=False)
    source_record_id: str = col("text", "The record's identifier at the source", nullable=False)
    source_revision: int = col("int", "The record's revision at the source (1 where the source has none)", nullable=False)
    equipment_kind: str = col("text", "CONTAINER when a container number is present, else WAGON", nullable=False)
    container_no: str | None = col("text", "ISO 6346 container number; null for a wagon event", nullable=True)
    wagon_no: str | None = col("text", "8-digit wagon number (the carrying wagon for a container); null where not known", nullable=True)
    event_type: str = col("text", "Canonical event type (warehouse.md mapping table)", nullable=False)
    transport_mode: str = col("text", "Mode of the carrier involved: RAIL, VESSEL or TRUCK", nullable=False)
    event_time_utc: datetime = col("utc", "When the event happened, UTC", nullable=False)
    published_utc: datetime = col("utc", "When the operator published this revision, UTC", nullable=False)
    location_code: str = col("text", "Where (core.dim_location); port events are at the port (KZAAU, AZBAK)", nullable=False)
    train_no: str | None = col("text", "Train number, where known", nullable=True)
    vessel_imo: str | None = col("text", "Vessel IMO number, 7 digits, where known", nullable=True)
    voyage_no: str | None = col("text", "Voyage number, where known", nullable=True)
    waybill_no: str | None = col("text", "Through waybill number, where known", nullable=True)
    is_laden: bool | None = col("bool", "True for full equipment", nullable=True)
    load_id: str = col("text", "The load that last wrote this row", nullable=False)


class FactConsignment(SQLModel, table=True):
    __tablename__ = "fact_consignment"
    __table_args__ = contract_table("core", "One row per waybill named by a loaded KTZ or ADY cargo record.")
    waybill_no: str = col("text", "Through waybill number", nullable=False, key=True)
    status: str = col("text", "ACCEPTED, IN_TRANSIT, DELIVERED or CANCELLED (CANCELLED wins, else the latest published cargo record)", nullable=False)
    equipment_kind: str | None = col("text", "CONTAINER or WAGON", nullable=True)
    container_no: str | None = col("text", "ISO 6346 container number, for a container", nullable=True)
    iso_size_type: str | None = col("text", "ISO 6346 size-type code, for a container", nullable=True)
    wagon_no: str | None = col("text", "8-digit wagon number", nullable=True)
    teu: float | None = col("double", "Twenty-foot equivalent units (TEU): 1, 2 or 2.25 for a container by its size code; 0 for a wagon", nullable=True)
    gross_weight_t: Decimal | None = col("tonnes", "Gross weight, tonnes, from the accepting railway's latest revision (else the other railway's)", nullable=True)
    etsng_code: str | None = col("text", "ETSNG cargo code", nullable=True)
    hs_code: str | None = col("text", "6-digit HS code as text (first six digits of the GNG code, else the ports' HS code)", nullable=True)
    origin_location_code: str | None = col("text", "Accepting station (core.dim_location)", nullable=True)
    destination_location_code: str | None = col("text", "Destination station (core.dim_location)", nullable=True)
    accepted_utc: datetime | None = col("utc", "Acceptance at origin, UTC", nullable=True)
    direction: str | None = col("text", "WESTBOUND for KZ waybills (towards Azerbaijan), EASTBOUND for AZ waybills", nullable=True)
    reported_by: list[str] | None = col("list", "Operators with a loaded cargo record for this waybill, sorted", nullable=True)
    crosses_caspian: bool | None = col("bool", "True when a port cargo line names the waybill, or its route leaves or enters either railway at a port station", nullable=True)
    load_id: str = col("text", "The load that last wrote this row", nullable=False)
    train_no: str | None = col("text", "Train the consignment was accepted onto, where the railway says", nullable=True)


class FactVesselCall(SQLModel, table=True):
    __tablename__ = "fact_vessel_call"
    __table_args__ = contract_table("core", "One row per port call, latest version.")
    call_id: str = col("text", "Port call identifier", nullable=False, key=True)
    port_unlocode: str = col("text", "Port of the call (KZAAU or AZBAK)", nullable=False)
    operator_code: str = col("text", "Port operator that published the call", nullable=False)
    source_revision: int = col("int", "Version number of the call (1 where the source has none)", nullable=False)
    vessel_imo: str | None = col("text", "Vessel IMO number, 7 digits", nullable=True)
    vessel_name: str | None = col("text", "Vessel name", nullable=True)
    voyage_no: str | None = col("text", "Voyage number (Aktau: the inbound voyage)", nullable=True)
    eta_utc: datetime | None = col("utc", "Estimated arrival, UTC", nullable=True)
    etd_utc: datetime | None = col("utc", "Estimated departure, UTC", nullable=True)
    ata_utc: datetime | None = col("utc", "Actual arrival, UTC; null until it happens", nullable=True)
    atd_utc: datetime | None = col("utc", "Actual departure, UTC; null until it happens", nullable=True)
    status: str | None = col("text", "PLANNED, ARRIVED, BERTHED, DEPARTED or CANCELLED", nullable=True)
    published_utc: datetime = col("utc", "When this version was published, UTC", nullable=False)
    load_id: str = col("text", "The load that last wrote this row", nullable=False)


class FactVesselCallVersion(SQLModel, table=True):
    __tablename__ = "fact_vessel_call_version"
    __table_args__ = contract_table("core", "Every published version of every call (the ETA history).")
    call_id: str = col("text", "Port call identifier (core.fact_vessel_call)", nullable=False, key=True)
    published_utc: datetime = col("utc", "When this version was published, UTC", nullable=False, key=True)
    eta_utc: datetime | None = col("utc", "Estimated arrival in this version, UTC", nullable=True)
    etd_utc: datetime | None = col("utc", "Estimated departure in this version, UTC", nullable=True)
    ata_utc: datetime | None = col("utc", "Actual arrival in this version, UTC", nullable=True)
    atd_utc: datetime | None = col("utc", "Actual departure in this version, UTC", nullable=True)
    status: str | None = col("text", "Status in this version", nullable=True)
    load_id: str = col("text", "The load that wrote this row", nullable=False)


class FactTrainStop(SQLModel, table=True):
    __tablename__ = "fact_train_stop"
    __table_args__ = contract_table("core", "One row per planned stop of a planned train, latest plan; a train is (operator_code, train_no, service_date).")
    operator_code: str = col("text", "Railway that published the plan", nullable=False, key=True)
    train_no: str = col("text", "Train number", nullable=False, key=True)
    service_date: date = col("date", "Local date of the plan", nullable=False, key=True)
    service_code: str | None = col("text", "Service code (KTZ service_code, ADY marsrut)", nullable=True)
    stop_seq: int = col("int", "Stop sequence from 1", nullable=False, key=True)
    location_code: str = col("text", "Station of the stop (core.dim_location)", nullable=False)
    planned_arrival_utc: datetime | None = col("utc", "Planned arrival, UTC", nullable=True)
    planned_departure_utc: datetime | None = col("utc", "Planned departure, UTC", nullable=True)
    actual_arrival_utc: datetime | None = col("utc", "Matched actual arrival (same railway's earliest ARRIVED or INTERCHANGE_IN within 24 hours), UTC; null until it happens", nullable=True)
    actual_departure_utc: datetime | None = col("utc", "Matched actual departure (earliest DEPARTED, PASSED or INTERCHANGE_OUT within 24 hours), UTC; null until it happens", nullable=True)
    load_id: str = col("text", "The load that last wrote this row", nullable=False)


# -- marts -----------------------------------------------------------------------------------------

class CorridorVolumeMonthly(SQLModel, table=True):
    __tablename__ = "corridor_volume_monthly"
    __table_args__ = contract_table("marts", "Cargo carried between the two railways, in both directions; cancelled consignments excluded.")
    month: date = col("month", "UTC month of acceptance (accepted_utc), its first day", nullable=False, key=True)
    direction: str = col("text", "WESTBOUND or EASTBOUND", nullable=False, key=True)
    consignments: int | None = col("count", "Consignments reported by both KTZ and ADY, each counted once", nullable=True)
    containers: int | None = col("count", "Of which in containers", nullable=True)
    wagons: int | None = col("count", "Of which wagonload", nullable=True)
    teu: float | None = col("double", "Twenty-foot equivalent units (TEU)", nullable=True)
    gross_weight_t: Decimal | None = col("tonnes", "Gross weight, tonnes", nullable=True)
    prev_year_gross_weight_t: Decimal | None = col("tonnes", "Gross weight of the same month and direction a year earlier, tonnes", nullable=True)
    yoy_pct: float | None = col("pct", "Change of gross weight over the same month a year earlier, percent", nullable=True)


class ContainerTransit(SQLModel, table=True):
    __tablename__ = "container_transit"
    # A journey is the container and its departure: its journeys are told apart (and windowed) by their
    # departure from the origin. waybill_no is "where known" on the departure event, so it cannot be a key.
    __table_args__ = contract_table("marts", "One row per container journey on the XIAN-BAKU service, from KTZ's departure at the origin.")
    container_no: str = col("text", "ISO 6346 container number", nullable=False, key=True)
    waybill_no: str | None = col("text", "Through waybill number, where the departure names one", nullable=True)
    train_no: str | None = col("text", "KTZ train number", nullable=True)
    origin_location_code: str | None = col("text", "Origin (the Xi'an terminal, CNXIA)", nullable=True)
    destination_location_code: str | None = col("text", "Destination station of the waybill", nullable=True)
    departed_utc: datetime = col("utc", "KTZ DEPARTED at the origin, UTC", nullable=False, key=True)
    arrived_utc: datetime | None = col("utc", "ADY ARRIVED at the destination, UTC; null while the journey is in progress", nullable=True)
    transit_days: float | None = col("days", "Departure to arrival, days", nullable=True)
    kz_rail_hours: float | None = col("hours", "Departure to KTZ INTERCHANGE_OUT at the port station, hours; null where a milestone is missing", nullable=True)
    aktau_dwell_hours: float | None = col("hours", "Then to Aktau LOADED onto the vessel, hours", nullable=True)
    sea_hours: float | None = col("hours", "Then to Baku DISCHARGED from the vessel, hours", nullable=True)
    baku_dwell_hours: float | None = col("hours", "Then to ADY INTERCHANGE_IN at Alat, hours", nullable=True)
    az_rail_hours: float | None = col("hours", "Then to arrival at the destination, hours", nullable=True)


class TrainServiceMonthly(SQLModel, table=True):
    __tablename__ = "train_service_monthly"
    __table_args__ = contract_table("marts", "Trains and containers by service, by the month the train departed its service's origin.")
    month: date = col("month", "UTC month of the train's departure from its origin, its first day", nullable=False, key=True)
    service_code: str = col("text", "Service code (KTZ service_code, ADY marsrut)", nullable=False, key=True)
    trains: int | None = col("count", "Trains of that service that departed", nullable=True)
    containers: int | None = col("count", "Containers on them", nullable=True)
    containers_per_train: float | None = col("double", "Containers per train", nullable=True)
    median_transit_days: float | None = col("days", "Median transit over those containers' completed journeys (marts.container_transit), days", nullable=True)


class ScheduleAdherenceMonthly(SQLModel, table=True):
    __tablename__ = "schedule_adherence_monthly"
    __table_args__ = contract_table("marts", "Schedule adherence of train stops and vessel calls, by the month of the planned arrival.")
    month: date = col("month", "UTC month of the planned arrival, its first day", nullable=False, key=True)
    operator_code: str = col("text", "Operator", nullable=False, key=True)
    kind: str = col("text", "TRAIN or VESSEL", nullable=False, key=True)
    planned: int | None = col("count", "Planned arrivals", nullable=True)
    observed: int | None = col("count", "Of which with an actual arrival", nullable=True)
    on_time: int | None = col("count", "Observed and no later than planned + 60 minutes (train stop) or + 3 hours (vessel call); early counts as on time", nullable=True)
    on_time_pct: float | None = col("pct", "On time, percent of observed; null when none observed", nullable=True)
    mean_delay_hours: float | None = col("hours", "Mean lateness over observed, hours (0 when early)", nullable=True)


class PortDwellMonthly(SQLModel, table=True):
    __tablename__ = "port_dwell_monthly"
    __table_args__ = contract_table("marts", "Port dwell of containers and wagons: first arrival event at the port to the first departure event after it.")
    month: date = col("month", "UTC month in which the equipment left the port, its first day", nullable=False, key=True)
    port_unlocode: str = col("text", "Port (KZAAU or AZBAK)", nullable=False, key=True)
    equipment_kind: str = col("text", "CONTAINER or WAGON", nullable=False, key=True)
    moves: int | None = col("count", "Completed port visits", nullable=True)
    median_dwell_hours: float | None = col("hours", "Median dwell, hours", nullable=True)
    p90_dwell_hours: float | None = col("hours", "90th percentile dwell, hours", nullable=True)


class WaybillReconciliation(SQLModel, table=True):
    __tablename__ = "waybill_reconciliation"
    # A waybill can have two issues (missing at one railway, and a port's weight off the other's): one row each.
    __table_args__ = contract_table("marts", "The waybills where the sources disagree, one row per waybill and issue.")
    waybill_no: str = col("text", "Through waybill number", nullable=False, key=True)
    issue: str = col("text", "MISSING_AT_KTZ, MISSING_AT_ADY or WEIGHT_MISMATCH", nullable=False, key=True)
    ktz_weight_t: Decimal | None = col("tonnes", "KTZ's gross weight, tonnes", nullable=True)
    ady_weight_t: Decimal | None = col("tonnes", "ADY's gross weight, tonnes", nullable=True)
    aktau_weight_t: Decimal | None = col("tonnes", "Aktau manifest gross weight, tonnes", nullable=True)
    baku_weight_t: Decimal | None = col("tonnes", "Baku declaration gross weight, tonnes", nullable=True)


class ContainerStatus(SQLModel, table=True):
    __tablename__ = "container_status"
    # "Latest" orders a container's events by (event_time_utc, published_utc, event_id): ties are deterministic.
    # The ETA's median is over the completed journeys of marts.container_transit that departed in
    # [departure - 90 days, departure) and have every leg after the milestone; a delivered container has none.
    __table_args__ = contract_table("marts", "Track and Trace: one row per container in core.fact_equipment_event, as of its latest event, with its stage and, on a XIAN-BAKU journey in progress, its ETA.")
    container_no: str = col("text", "ISO 6346 container number", nullable=False, key=True)
    last_event_type: str = col("text", "Event type of its latest event (by event_time_utc, then published_utc, then event_id)", nullable=False)
    last_transport_mode: str = col("text", "Transport mode of its latest event: RAIL, VESSEL or TRUCK", nullable=False)
    last_event_utc: datetime = col("utc", "When its latest event happened, UTC", nullable=False)
    last_location_code: str = col("text", "Where its latest event happened (core.dim_location)", nullable=False)
    last_operator_code: str = col("text", "Operator that reported its latest event", nullable=False)
    waybill_no: str | None = col("text", "Through waybill number from the latest event that names one, where known", nullable=True)
    train_no: str | None = col("text", "Train number from the latest event that names one, where known", nullable=True)
    vessel_imo: str | None = col("text", "Vessel IMO number (7 digits) from the latest event that names one, where known", nullable=True)
    stage: str = col("text", "KZ_RAIL, AKTAU_PORT, BAKU_PORT, AT_SEA (latest event LOADED onto a vessel at either port), AZ_RAIL (by the operator of the latest event) or DELIVERED (latest event DELIVERED, or ARRIVED at its waybill's destination)", nullable=False)
    eta_utc: datetime | None = col("utc", "Estimated arrival at the destination, UTC, on a XIAN-BAKU journey in progress: its latest milestone plus the median hours from that milestone to arrival over the completed journeys that departed in the 90 days before it; null otherwise (a DELIVERED container is not in progress) or when there are none", nullable=True)
    eta_basis: int | None = col("count", "Number of completed journeys the ETA's median used; null when eta_utc is", nullable=True)


# -- quality and meta ------------------------------------------------------------------------------

class Quarantine(SQLModel, table=True):
    __tablename__ = "quarantine"
    # Grain: one row per distinct (operator, feed, record, revision). The id and revision are null where
    # they could not be read (a refused XML part has no revision), so the record is keyed by its content
    # there: the grain is an expression, and no primary key can hold a null, so the table declares none.
    __table_args__ = contract_table(
        "quality", "Every rejected record, with the rules it failed; nothing rejected is dropped without a row here."
                   " A record whose id could not be read is keyed by its content (record_hash).",
        grain=("operator_code", "feed", "coalesce(source_record_id, record_hash)", "source_revision"),
    )
    # SQLAlchemy's mapper wants an identity for the class; the warehouse never uses the ORM.
    __mapper_args__ = {"primary_key": ["operator_code", "feed", "source_record_id", "record_hash", "source_revision"]}
    operator_code: str = col("text", "Operator of the feed", nullable=False)
    feed: str = col("text", "cargo, schedule or tracking", nullable=False)
    source_record_id: str | None = col("text", "Record identifier where it could be read; for a refused XML part <endpoint>/<date>/part<N>", nullable=True)
    source_revision: int | None = col("int", "Record revision where it could be read", nullable=True)
    reasons: list[str] = col("list", "Names of the validation rules the record failed", nullable=False)
    raw_record: str = col("text", "The record as received", nullable=False)
    record_hash: str = col("text", "SHA-256 of the record as received (keys the record where its id is unreadable)", nullable=False)
    load_id: str = col("text", "The load that quarantined it", nullable=False)
    quarantined_utc: datetime = col("utc", "When it was quarantined, UTC", nullable=False)


class ValidationRun(SQLModel, table=True):
    __tablename__ = "validation_run"
    # Not checked after a sync: this is the log the checks write into, one insert per validated batch or per
    # check, each row with its own suite or validation time. tests/models/test_models_match_warehouse.py
    # runs its generated check.
    __table_args__ = contract_table("quality", "One row per validation of one batch, and per warehouse check of a sync.", checked=False)
    load_id: str = col("text", "The load validated (the sync, for a warehouse check)", nullable=False, key=True)
    operator_code: str = col("text", "Operator of the feed (ALL for a warehouse check)", nullable=False)
    feed: str = col("text", "cargo, schedule or tracking (warehouse for a warehouse check)", nullable=False)
    suite: str = col("text", "Expectation suite, or the warehouse check's name", nullable=False, key=True)
    records: int = col("count", "Records validated (rows checked)", nullable=False)
    passed: int = col("count", "Records that passed every rule", nullable=False)
    quarantined: int = col("count", "Records quarantined", nullable=False)
    success: bool = col("bool", "True when no record failed", nullable=False)
    validated_utc: datetime = col("utc", "When the batch was validated, UTC", nullable=False, key=True)
    seconds: float | None = col("double", "CPU seconds the validation took; null for a warehouse check", nullable=True)


class Load(SQLModel, table=True):
    __tablename__ = "load"
    # Not checked after a sync: DuckDB's PRIMARY KEY already refuses a duplicate load_id.
    __table_args__ = contract_table("meta", "One row per load of one operator feed.", ddl_key=True, checked=False)
    load_id: str = col("text", "Load identifier", nullable=False, key=True)
    operator_code: str = col("text", "Operator of the feed", nullable=False)
    feed: str = col("text", "cargo, schedule or tracking", nullable=False)
    window_from_utc: datetime | None = col("utc", "Start of the requested window, UTC (inclusive)", nullable=True)
    window_to_utc: datetime | None = col("utc", "End of the requested window, UTC (exclusive)", nullable=True)
    status: str = col("text", "RUNNING, SUCCEEDED or FAILED", nullable=False)
    records_received: int | None = col("count", "Records received from the source", nullable=True)
    records_loaded: int | None = col("count", "Records that passed validation", nullable=True)
    records_quarantined: int | None = col("count", "Records quarantined", nullable=True)
    started_utc: datetime = col("utc", "Start, UTC", nullable=False)
    finished_utc: datetime | None = col("utc", "End, UTC; null while running", nullable=True)
    error: str | None = col("text", "Why the load failed (names the operator and feed)", nullable=True)


CONTRACT_MODELS: tuple[type[SQLModel], ...] = (
    DimLocation, DimOperator, FactEquipmentEvent, FactConsignment, FactVesselCall, FactVesselCallVersion,
    FactTrainStop, CorridorVolumeMonthly, ContainerTransit, TrainServiceMonthly, ScheduleAdherenceMonthly,
    PortDwellMonthly, WaybillReconciliation, ContainerStatus, Quarantine, ValidationRun, Load,
)

# Every table of these schemas is a contract table, except the internal ones named here; in the other
# schemas only the modelled tables are (raw, staging, meta.watermark, meta.schema_migration are not).
WHOLLY_CONTRACT_SCHEMAS = ("core", "marts")
INTERNAL_TABLES = {"core.map_event_type": "the operators' event codes, read only by the core transforms"}


# -- reading the declaration -------------------------------------------------------------------------

def contract_tables() -> tuple[Table, ...]:
    return tuple(m.__table__ for m in CONTRACT_MODELS)


def qualified_name(table: Table) -> str:
    return f"{table.schema}.{table.name}"


def grain(table: Table) -> tuple[str, ...]:
    """The grain as SQL expressions over the table's columns: its primary key, or its declared expressions."""
    return table.info.get("grain") or tuple(c.name for c in table.primary_key.columns)


def grain_text(table: Table) -> str:
    """The grain as one phrase, e.g. `one row per (month, direction)`."""
    members = grain(table)
    return f"one row per {members[0]}" if len(members) == 1 else f"one row per ({', '.join(members)})"


def duckdb_type(column: Column) -> str:
    return column.info["duckdb_type"]


def table_comment(table: Table) -> str:
    """The DuckDB table comment: the description, then the grain."""
    return f"{table.comment} Grain: {grain_text(table)}."


def comments() -> dict[tuple[str, str, str | None], str]:
    """(schema, table, column or None for the table itself) → its DuckDB comment, for every contract table."""
    out: dict[tuple[str, str, str | None], str] = {}
    for table in contract_tables():
        out[(table.schema, table.name, None)] = table_comment(table)
        for c in table.columns:
            out[(table.schema, table.name, c.name)] = c.comment
    return out


def column_comments() -> list[tuple[str, str, str, str]]:
    """(schema, table, column, description) for every contract column."""
    return [(t.schema, t.name, c.name, c.comment) for t in contract_tables() for c in t.columns]
