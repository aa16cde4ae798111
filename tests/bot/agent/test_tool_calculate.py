"""calculate matches tau2's outputs without eval(): floats rounded to the cent, tau2's error sentences."""

from __future__ import annotations

import pytest

from bot.agent.tools.calculate import CalculationError, calculate


@pytest.mark.parametrize(
    ("expression", "value"),
    [
        ("3", "3.0"),
        ("10/4", "2.5"),
        ("(2 + 3) * 4 - 1", "19.0"),
        ("-17.99", "-17.99"),
        ("2 ** 10", "1024.0"),
        ("7 // 2", "3.0"),
        ("1000 - 0.014", "999.99"),
        ("2674.4 + 62.0", "2736.4"),
    ],
)
def test_values(expression: str, value: str) -> None:
    assert calculate(expression) == value


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("__import__('os')", "Invalid characters in expression"),
        ("1 / 0", "division by zero"),
        ("2 +", "invalid syntax (<string>, line 1)"),
        ("9 ** 9 ** 9", "exponent too large"),
        ("()", "invalid syntax (<string>, line 1)"),
    ],
)
def test_errors(expression: str, message: str) -> None:
    with pytest.raises(CalculationError, match=message.replace("(", r"\(").replace(")", r"\)")):
        calculate(expression)
