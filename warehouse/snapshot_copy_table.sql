-- Purpose: copy one table's rows, in bulk, from the warehouse into the same table of the snapshot being
-- written (created beforehand with the source's columns, so types, NOT NULL and keys stay the same).
-- Grain: the source table's rows, in their stored order; returns how many were inserted.
INSERT INTO {{ target }} SELECT * FROM {{ source }};
