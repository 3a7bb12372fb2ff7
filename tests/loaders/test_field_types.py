"""Column-wise fast paths give exactly what the per-value functions give."""

from __future__ import annotations

import pyarrow as pa
import pytest

from loaders.fields import normalise, scalar_function
from loaders.mapping import Field

SAMPLES = {
    "declaration_no": [
        "310420240000012345",
        " 310420240000012345 ",
        "31042024000001234",
        "3104202400000123X5",
    ],
    "string": ["  ＡＢＣ　公司 ", "a\u200bb", "x\t\ny", "宁波（恒达）", "plain", "a  b"],
    "float": ["1,234.5", "12", "-3.25", "abc", "１２"],
    "int": ["12", "12.0", "7"],
}


@pytest.mark.parametrize("field_type", sorted(SAMPLES))
def test_the_column_path_agrees_with_the_value_path(field_type):
    f = Field("x", ("x",), field_type)
    column = normalise(f, pa.array(SAMPLES[field_type]))
    fn = scalar_function(f)
    for value, got, error in zip(
        SAMPLES[field_type], column.values.to_pylist(), column.errors.to_pylist(), strict=True
    ):
        try:
            expected, expected_error = fn(value.strip()), None
        except ValueError as exc:
            expected, expected_error = None, str(exc)
        assert got == expected, value
        assert (error is None) == (expected_error is None), value
