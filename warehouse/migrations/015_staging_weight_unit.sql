-- The unit each port record's weight came in (Aktau `grossWeight.unit`, `KG` for `grossWeightKg`; Baku
-- `<Weight unit>`), as received and upper-cased; '' for a weight given without one, null for no weight.
-- Without it staging could not tell "no weight" from "a weight in a unit nobody knows": both were a null
-- gross_weight_t, so the second loaded silently. Now weight_unit_known quarantines it (the suites say the units).
ALTER TABLE staging.aktau_move ADD COLUMN weight_unit VARCHAR;
ALTER TABLE staging.aktau_manifest_line ADD COLUMN weight_unit VARCHAR;
ALTER TABLE staging.baku_terminal_event ADD COLUMN weight_unit VARCHAR;
ALTER TABLE staging.baku_declaration ADD COLUMN weight_unit VARCHAR;
