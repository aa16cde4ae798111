"""calculate: tau2's arithmetic tool, evaluated on a parsed expression tree instead of eval()."""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable

_ALLOWED = set("0123456789+-*/(). ")
_BINARY: dict[type[ast.operator], Callable[[float, float], float]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Pow: operator.pow,
}
_MAX_EXPONENT = 64
"""Bigger powers are refused: tau2 would compute them, but nobody needs 9**9**9 from a shop bot."""


class CalculationError(ValueError):
    pass


def calculate(expression: str) -> str:
    """The value rounded to the cent, as Python prints a float ("3.0", "-17.99")."""
    if not set(expression) <= _ALLOWED:
        raise CalculationError("Invalid characters in expression")
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except SyntaxError as exc:
        raise CalculationError(f"invalid syntax (<string>, line {exc.lineno or 1})") from None
    try:
        return str(round(float(_value(tree.body)), 2))
    except ZeroDivisionError:
        raise CalculationError("division by zero") from None
    except (OverflowError, TypeError) as exc:
        raise CalculationError(str(exc)) from None


def _value(node: ast.expr) -> float:
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.UAdd, ast.USub)):
        inner = _value(node.operand)
        return -inner if isinstance(node.op, ast.USub) else inner
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        left, right = _value(node.left), _value(node.right)
        if isinstance(node.op, ast.Pow) and abs(right) > _MAX_EXPONENT:
            raise CalculationError("exponent too large")
        return _BINARY[type(node.op)](left, right)
    raise CalculationError("invalid syntax (<string>, line 1)")
