"""corridor.simulator (in progress)."""
