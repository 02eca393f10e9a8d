"""The contract tables, one SQLModel class each; `primary_key` marks each table's logical grain."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ARRAY, BigInteger, Boolean, Column, Date, DateTime, Double, Integer, Numeric, String
from sqlmodel import Field, SQLModel

_TYPES = {
    "text": String, "int": Integer, "bigint": BigInteger, "double": Double, "bool": Boolean,
    "ts": DateTime, "date": Date, "tonnes": lambda: Numeric(12, 3), "list": lambda: ARRAY(String),
}


def col(kind: str, description: str, *, key: bool = False, required: bool = False) -> Any:
    """A column of SQL type `kind` with its analyst-facing description."""
    sa_type = _TYPES[kind]()
    return Field(
        default=None,
        description=description,
        sa_column=Column(sa_type, primary_key=key, nullable=not (key or required), comment=description),
    )


class DimLocation(SQLModel, table=True):
    __tablename__ = "dim_location"
    __table_args__ = {"schema": "core", "comment": "One row per station, port, terminal or border point."}
    location_code: str = col("text", "UN/LOCODE where the location has one, else ESR followed by its six digits", key=True)
    name: str = col("text", "Location name", required=True)
    country_code: str = col("text", "ISO 3166-1 alpha-2 country", required=True)
    location_type: str = col("text", "RAIL_STATION, PORT, BORDER_CROSSING or TERMINAL", required=True)
    esr_code: str | None = col("text", "ESR station code, 6 digits, or null")
    unlocode: str | None = col("text", "UN/LOCODE, or null")
    timezone: str = col("text", "IANA time zone of the location", required=True)
    latitude: float | None = col("double", "Latitude, degrees (approximate)")
    longitude: float | None = col("double", "Longitude, degrees (approximate)")
    aliases: list[str] | None = col("list", "Operators' synonyms of this location's code (e.g. AZALA for AZBAK)")
    served_port_code: str | None = col("text", "For the rail station of a port: the port it serves")


class DimOperator(SQLModel, table=True):
    __tablename__ = "dim_operator"
    __table_args__ = {"schema": "core", "comment": "The four operators whose feeds the warehouse harmonises."}
    operator_code: str = col("text", "KTZ, ADY, AKTAU_PORT or BAKU_PORT", key=True)
    name: str = col("text", "Operator name", required=True)
    country_code: str = col("text", "ISO 3166-1 alpha-2 country", required=True)
    operator_type: str = col("text", "RAIL or PORT", required=True)


class FactEquipmentEvent(SQLModel, table=True):
    __tablename__ = "fact_equipment_event"
    __table_args__ = {"schema": "core", "comment": "One row per source tracking record (latest revision), yard shifts excluded."}
    event_id: str = col("text", "Stable key: operator code and source record id", key=True)
    operator_code: str = col("text", "Operator that reported the event", required=True)
    source_record_id: str = col("text", "The record's identifier at the source", required=True)
    source_revision: int = col("int", "The record's revision at the source (1 where the source has none)", required=True)
    equipment_kind: str = col("text", "CONTAINER when a container number is present, else WAGON", required=True)
    container_no: str | None = col("text", "ISO 6346 container number; null for a wagon event")
    wagon_no: str | None = col("text", "8-digit wagon number (the carrying wagon for a container); null where not known")
    event_type: str = col("text", "Canonical event type (warehouse.md mapping table)", required=True)
    transport_mode: str = col("text", "Mode of the carrier involved: RAIL, VESSEL or TRUCK", required=True)
    event_time_utc: datetime = col("ts", "When the event happened, UTC", required=True)
    published_utc: datetime = col("ts", "When the operator published this revision, UTC", required=True)
    location_code: str = col("text", "Where (core.dim_location); port events are at the port", required=True)
    train_no: str | None = col("text", "Train number, where known")
    vessel_imo: str | None = col("text", "Vessel IMO number, 7 digits, where known")
    voyage_no: str | None = col("text", "Voyage number, where known")
    waybill_no: str | None = col("text", "Through SMGS waybill number, where known")
    is_laden: bool | None = col("bool", "True for full equipment")
    load_id: str = col("text", "The load that last wrote this row", required=True)


class FactConsignment(SQLModel, table=True):
    __tablename__ = "fact_consignment"
    __table_args__ = {"schema": "core", "comment": "One row per waybill named by a loaded KTZ or ADY cargo record."}
    waybill_no: str = col("text", "Through SMGS waybill number", key=True)
    status: str = col("text", "ACCEPTED, IN_TRANSIT, DELIVERED or CANCELLED (CANCELLED wins)", required=True)
    equipment_kind: str | None = col("text", "CONTAINER or WAGON")
    container_no: str | None = col("text", "ISO 6346 container number, for a container")
    iso_size_type: str | None = col("text", "ISO 6346 size-type code, for a container")
    wagon_no: str | None = col("text", "8-digit wagon number")
    teu: float | None = col("double", "1, 2 or 2.25 for a container by its size code; 0 for a wagon")
    gross_weight_t: Decimal | None = col("tonnes", "Gross weight in tonnes, from the accepting railway's latest revision")
    etsng_code: str | None = col("text", "ETSNG cargo code")
    hs_code: str | None = col("text", "6-digit HS code as text")
    origin_location_code: str | None = col("text", "Accepting station")
    destination_location_code: str | None = col("text", "Destination station")
    accepted_utc: datetime | None = col("ts", "Acceptance at origin, UTC")
    direction: str | None = col("text", "WESTBOUND for KZ waybills, EASTBOUND for AZ waybills")
    reported_by: list[str] | None = col("list", "Operators with a loaded cargo record for this waybill, sorted")
    crosses_caspian: bool | None = col("bool", "True when a port cargo line names the waybill or its route touches a port station")
    load_id: str = col("text", "The load that last wrote this row", required=True)
    train_no: str | None = col("text", "Train the consignment was accepted onto, where the railway says")


class FactVesselCall(SQLModel, table=True):
    __tablename__ = "fact_vessel_call"
    __table_args__ = {"schema": "core", "comment": "One row per port call, latest version."}
    call_id: str = col("text", "Port call identifier", key=True)
    port_unlocode: str = col("text", "Port of the call (KZAAU or AZBAK)", required=True)
    operator_code: str = col("text", "Port operator that published the call", required=True)
    source_revision: int = col("int", "Version number of the call (1 where the source has none)", required=True)
    vessel_imo: str | None = col("text", "Vessel IMO number, 7 digits")
    vessel_name: str | None = col("text", "Vessel name")
    voyage_no: str | None = col("text", "Voyage number")
    eta_utc: datetime | None = col("ts", "Estimated arrival, UTC")
    etd_utc: datetime | None = col("ts", "Estimated departure, UTC")
    ata_utc: datetime | None = col("ts", "Actual arrival, UTC; null until it happens")
    atd_utc: datetime | None = col("ts", "Actual departure, UTC; null until it happens")
    status: str | None = col("text", "PLANNED, ARRIVED, BERTHED, DEPARTED or CANCELLED")
    published_utc: datetime = col("ts", "When this version was published, UTC", required=True)
    load_id: str = col("text", "The load that last wrote this row", required=True)


class FactVesselCallVersion(SQLModel, table=True):
    __tablename__ = "fact_vessel_call_version"
    __table_args__ = {"schema": "core", "comment": "Every published version of every call (the ETA history)."}
    call_id: str = col("text", "Port call identifier", key=True)
    published_utc: datetime = col("ts", "When this version was published, UTC", key=True)
    eta_utc: datetime | None = col("ts", "Estimated arrival in this version, UTC")
    etd_utc: datetime | None = col("ts", "Estimated departure in this version, UTC")
    ata_utc: datetime | None = col("ts", "Actual arrival in this version, UTC")
    atd_utc: datetime | None = col("ts", "Actual departure in this version, UTC")
    status: str | None = col("text", "Status in this version")
    load_id: str = col("text", "The load that wrote this row", required=True)


class FactTrainStop(SQLModel, table=True):
    __tablename__ = "fact_train_stop"
    __table_args__ = {"schema": "core", "comment": "One row per planned stop of a planned train, latest plan."}
    operator_code: str = col("text", "Railway that published the plan", key=True)
    train_no: str = col("text", "Train number", key=True)
    service_date: date = col("date", "Local date of the plan", key=True)
    service_code: str | None = col("text", "Service code (KTZ service_code, ADY marsrut)")
    stop_seq: int = col("int", "Stop sequence from 1", key=True)
    location_code: str = col("text", "Station of the stop", required=True)
    planned_arrival_utc: datetime | None = col("ts", "Planned arrival, UTC")
    planned_departure_utc: datetime | None = col("ts", "Planned departure, UTC")
    actual_arrival_utc: datetime | None = col("ts", "Matched actual arrival, UTC; null until it happens")
    actual_departure_utc: datetime | None = col("ts", "Matched actual departure, UTC; null until it happens")
    load_id: str = col("text", "The load that last wrote this row", required=True)


class CorridorVolumeMonthly(SQLModel, table=True):
    __tablename__ = "corridor_volume_monthly"
    __table_args__ = {"schema": "marts", "comment": "Cargo carried between the two railways; grain: month x direction."}
    month: date = col("date", "UTC month of acceptance (first day)", key=True)
    direction: str = col("text", "WESTBOUND or EASTBOUND", key=True)
    consignments: int | None = col("bigint", "Consignments reported by both KTZ and ADY, cancelled excluded")
    containers: int | None = col("bigint", "Of which in containers")
    wagons: int | None = col("bigint", "Of which wagonload")
    teu: float | None = col("double", "Twenty-foot equivalent units")
    gross_weight_t: Decimal | None = col("tonnes", "Gross weight, tonnes")
    prev_year_gross_weight_t: Decimal | None = col("tonnes", "Gross weight of the same month and direction a year earlier, tonnes")
    yoy_pct: float | None = col("double", "Change over the same month a year earlier, percent")


class ContainerTransit(SQLModel, table=True):
    __tablename__ = "container_transit"
    __table_args__ = {"schema": "marts", "comment": "One row per container journey on the XIAN-BAKU service."}
    container_no: str = col("text", "ISO 6346 container number", key=True)
    waybill_no: str | None = col("text", "Through waybill number", key=True)
    train_no: str | None = col("text", "KTZ train number")
    origin_location_code: str | None = col("text", "Origin (the Xi'an terminal)")
    destination_location_code: str | None = col("text", "Destination station")
    departed_utc: datetime | None = col("ts", "KTZ DEPARTED at the origin, UTC")
    arrived_utc: datetime | None = col("ts", "ADY ARRIVED at the destination, UTC; null while in progress")
    transit_days: float | None = col("double", "Departure to arrival, days")
    kz_rail_hours: float | None = col("double", "Departure to KTZ INTERCHANGE_OUT at the port station, hours")
    aktau_dwell_hours: float | None = col("double", "To Aktau LOADED onto the vessel, hours")
    sea_hours: float | None = col("double", "To Baku DISCHARGED from the vessel, hours")
    baku_dwell_hours: float | None = col("double", "To ADY INTERCHANGE_IN at Alat, hours")
    az_rail_hours: float | None = col("double", "To arrival at the destination, hours")


class TrainServiceMonthly(SQLModel, table=True):
    __tablename__ = "train_service_monthly"
    __table_args__ = {"schema": "marts", "comment": "Trains by service; grain: month x service_code."}
    month: date = col("date", "UTC month of the train's departure from its origin", key=True)
    service_code: str = col("text", "Service code", key=True)
    trains: int | None = col("bigint", "Trains of that service that departed")
    containers: int | None = col("bigint", "Containers on them")
    containers_per_train: float | None = col("double", "Containers per train")
    median_transit_days: float | None = col("double", "Median transit over their containers' completed journeys, days")


class ScheduleAdherenceMonthly(SQLModel, table=True):
    __tablename__ = "schedule_adherence_monthly"
    __table_args__ = {"schema": "marts", "comment": "Schedule adherence; grain: month x operator_code x kind."}
    month: date = col("date", "UTC month of the planned arrival", key=True)
    operator_code: str = col("text", "Operator", key=True)
    kind: str = col("text", "TRAIN or VESSEL", key=True)
    planned: int | None = col("bigint", "Planned arrivals")
    observed: int | None = col("bigint", "Of which with an actual arrival")
    on_time: int | None = col("bigint", "Observed and no later than planned + 60 min (train) or + 3 h (vessel)")
    on_time_pct: float | None = col("double", "On time, percent of observed; null when none observed")
    mean_delay_hours: float | None = col("double", "Mean lateness over observed, hours (0 when early)")


class PortDwellMonthly(SQLModel, table=True):
    __tablename__ = "port_dwell_monthly"
    __table_args__ = {"schema": "marts", "comment": "Port dwell; grain: month x port_unlocode x equipment_kind."}
    month: date = col("date", "UTC month in which the equipment left the port", key=True)
    port_unlocode: str = col("text", "Port", key=True)
    equipment_kind: str = col("text", "CONTAINER or WAGON", key=True)
    moves: int | None = col("bigint", "Completed port visits")
    median_dwell_hours: float | None = col("double", "Median dwell, hours")
    p90_dwell_hours: float | None = col("double", "90th percentile dwell, hours")


class WaybillReconciliation(SQLModel, table=True):
    __tablename__ = "waybill_reconciliation"
    __table_args__ = {"schema": "marts", "comment": "One row per waybill where the sources disagree."}
    waybill_no: str = col("text", "Through waybill number", key=True)
    issue: str = col("text", "MISSING_AT_KTZ, MISSING_AT_ADY or WEIGHT_MISMATCH", key=True)
    ktz_weight_t: Decimal | None = col("tonnes", "KTZ's gross weight, tonnes")
    ady_weight_t: Decimal | None = col("tonnes", "ADY's gross weight, tonnes")
    aktau_weight_t: Decimal | None = col("tonnes", "Aktau manifest gross weight, tonnes")
    baku_weight_t: Decimal | None = col("tonnes", "Baku declaration gross weight, tonnes")


class Quarantine(SQLModel, table=True):
    __tablename__ = "quarantine"
    __table_args__ = {"schema": "quality", "comment": "Every rejected record, with the rules it failed."}
    operator_code: str = col("text", "Operator of the feed", key=True)
    feed: str = col("text", "cargo, schedule or tracking", key=True)
    source_record_id: str | None = col("text", "Record identifier where it could be read; for a refused XML part <endpoint>/<date>/part<N>", key=True)
    source_revision: int | None = col("int", "Record revision where it could be read", key=True)
    reasons: list[str] = col("list", "Names of the validation rules the record failed", required=True)
    raw_record: str = col("text", "The record as received", required=True)
    record_hash: str = col("text", "SHA-256 of the record as received", required=True)
    load_id: str = col("text", "The load that quarantined it", required=True)
    quarantined_utc: datetime = col("ts", "When it was quarantined, UTC", required=True)


class ValidationRun(SQLModel, table=True):
    __tablename__ = "validation_run"
    __table_args__ = {"schema": "quality", "comment": "One row per validation of one batch."}
    load_id: str = col("text", "The load validated", key=True)
    operator_code: str = col("text", "Operator of the feed", required=True)
    feed: str = col("text", "cargo, schedule or tracking", required=True)
    suite: str = col("text", "Expectation suite", key=True)
    records: int = col("bigint", "Records validated", required=True)
    passed: int = col("bigint", "Records that passed every rule", required=True)
    quarantined: int = col("bigint", "Records quarantined", required=True)
    success: bool = col("bool", "True when no record failed", required=True)
    validated_utc: datetime = col("ts", "When the batch was validated, UTC", key=True)
    seconds: float | None = col("double", "CPU seconds the validation took")


class Load(SQLModel, table=True):
    __tablename__ = "load"
    __table_args__ = {"schema": "meta", "comment": "One row per load of one operator feed."}
    load_id: str = col("text", "Load identifier", key=True)
    operator_code: str = col("text", "Operator of the feed", required=True)
    feed: str = col("text", "cargo, schedule or tracking", required=True)
    window_from_utc: datetime | None = col("ts", "Start of the requested window, UTC (inclusive)")
    window_to_utc: datetime | None = col("ts", "End of the requested window, UTC (exclusive)")
    status: str = col("text", "RUNNING, SUCCEEDED or FAILED", required=True)
    records_received: int | None = col("bigint", "Records received from the source")
    records_loaded: int | None = col("bigint", "Records that passed validation")
    records_quarantined: int | None = col("bigint", "Records quarantined")
    started_utc: datetime = col("ts", "Start, UTC", required=True)
    finished_utc: datetime | None = col("ts", "End, UTC")
    error: str | None = col("text", "Why the load failed (names the operator and feed)")


CONTRACT_MODELS: tuple[type[SQLModel], ...] = (
    DimLocation, DimOperator, FactEquipmentEvent, FactConsignment, FactVesselCall, FactVesselCallVersion,
    FactTrainStop, CorridorVolumeMonthly, ContainerTransit, TrainServiceMonthly, ScheduleAdherenceMonthly,
    PortDwellMonthly, WaybillReconciliation, Quarantine, ValidationRun, Load,
)


def column_comments() -> list[tuple[str, str, str, str]]:
    """(schema, table, column, description) for every contract column."""
    return [
        (m.__table__.schema, m.__table__.name, c.name, c.comment)
        for m in CONTRACT_MODELS for c in m.__table__.columns
    ]
