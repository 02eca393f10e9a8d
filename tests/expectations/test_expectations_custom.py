"""Corridor's custom GX expectations: they catch bad values, pass good ones and ignore nulls."""
from __future__ import annotations

import pandas as pd
import pytest

# expectation type: (valid values, invalid values)
CUSTOM = {
    "expect_column_values_to_be_valid_container_number": (["CSQU3054383"], ["CSQU3054384", "csqu3054383", "CSQ3054383"]),
    "expect_column_values_to_be_valid_wagon_number": (["51234565"], ["51234566", "5123456"]),
    "expect_column_values_to_be_valid_imo_number": (["IMO9187655", "9187655"], ["9187656", "IMO91876"]),
    "expect_column_values_to_be_valid_esr_code": (["705509", "700011"], ["705508", "70550"]),
    "expect_column_values_to_be_known_esr_code": (["705509", "990014"], ["700011"]),
    "expect_column_values_to_be_known_unlocode": (["KZAAU", "AZALA"], ["KZXXX"]),
    "expect_column_values_to_be_known_iso_size_type": (["45G1", "22G1"], ["45G2"]),
}


@pytest.fixture(scope="module")
def results(gx_context):
    """All custom expectations in one validation: column k holds valid, then invalid, then null values."""
    from great_expectations.core.expectation_suite import ExpectationSuite

    from corridor.expectations.context import batch_definition

    columns = {name: valid + invalid + [None] for name, (valid, invalid) in CUSTOM.items()}
    width = max(map(len, columns.values()))
    frame = pd.DataFrame({name: pd.array(v + [None] * (width - len(v)), dtype="str") for name, v in columns.items()})
    suite = ExpectationSuite(name="custom_under_test", expectations=[{"type": n, "kwargs": {"column": n}} for n in CUSTOM])
    validation = batch_definition("custom_under_test").get_batch(batch_parameters={"dataframe": frame}).validate(
        suite, result_format={"result_format": "COMPLETE", "return_unexpected_index_query": False}
    )
    return {r.expectation_config.type: r for r in validation.results}


@pytest.mark.parametrize("name", CUSTOM)
def test_custom_expectation_flags_exactly_the_invalid_values(results, name):
    valid, invalid = CUSTOM[name]
    result = results[name]
    assert not result.exception_info.get("raised_exception"), result.exception_info
    assert result.result["unexpected_list"] == invalid  # nulls and valid values are not unexpected
    assert result.result["unexpected_index_list"] == list(range(len(valid), len(valid) + len(invalid)))
