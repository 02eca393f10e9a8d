-- Refresh the reference dimensions from the seed files the project keeps (warehouse/seeds).
DELETE FROM core.dim_location;
INSERT INTO core.dim_location BY NAME
SELECT location_code, name, country_code, location_type, esr_code, unlocode, timezone,
       latitude, longitude,
       CASE WHEN aliases IS NULL THEN []::VARCHAR[] ELSE string_split(aliases, '|') END AS aliases,
       served_port_code
FROM read_csv($locations_csv, header = true,
              types = {'esr_code': 'VARCHAR', 'aliases': 'VARCHAR', 'unlocode': 'VARCHAR', 'served_port_code': 'VARCHAR'});

DELETE FROM core.dim_operator;
INSERT INTO core.dim_operator
SELECT operator_code, name, country_code, operator_type FROM read_csv($operators_csv, header = true);

DELETE FROM core.map_event_type;
INSERT INTO core.map_event_type
SELECT operator_code, source_code, equipment_kind, event_type, transport_mode
FROM read_csv($event_type_map_csv, header = true, all_varchar = true);
