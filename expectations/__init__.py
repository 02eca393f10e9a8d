"""Validation layer: one hand-written GX suite per operator feed, and an engine that splits rows exactly."""
from corridor.expectations.docs import write_data_docs
from corridor.expectations.engine import ExpectationError, ValidationOutcome, validate
from corridor.expectations.suites import SuiteError, suite_names

__all__ = ["ExpectationError", "SuiteError", "ValidationOutcome", "suite_names", "validate", "write_data_docs"]
