-- The train a consignment was accepted onto (from the accepting railway's cargo record).
ALTER TABLE core.fact_consignment ADD COLUMN train_no VARCHAR;
