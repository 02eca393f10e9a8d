"""Corridor: operator feeds of the Trans-Caspian corridor, harmonised into a DuckDB warehouse."""
