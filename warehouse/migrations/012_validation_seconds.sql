-- The CPU seconds each validation took, so that validation's share of a sync can be measured.
ALTER TABLE quality.validation_run ADD COLUMN seconds DOUBLE;
