"""corridor.expectations (in progress)."""
