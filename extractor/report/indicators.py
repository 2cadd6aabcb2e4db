"""Derived indicators (`patterns/indicators.yaml`): arithmetic formulas over canonical field IDs, parsed with
`ast` and evaluated without `eval` — only numbers, field IDs, + - * / and parentheses are allowed."""

from __future__ import annotations

import ast
import functools
import re
from collections.abc import Mapping
from typing import Any

# a field id is dotted (infra.bandwidth.ftth.province): swap each for a plain Python name before parsing
_FIELD = re.compile(r"\b[a-z][a-z0-9_]*(?:\.[a-z0-9][a-z0-9_]*)+\b")
_OPS = {ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b, ast.Mult: lambda a, b: a * b,
        ast.Div: lambda a, b: a / b}


class DivisionByZero(ArithmeticError):
    """The formula divides by a field whose value is zero."""


@functools.lru_cache(maxsize=256)
def _parse(formula: str) -> tuple[ast.expr, tuple[str, ...]]:
    names: list[str] = []

    def swap(m: re.Match[str]) -> str:
        names.append(m.group(0))
        return f"_f{len(names) - 1}"

    try:
        tree = ast.parse(_FIELD.sub(swap, formula), mode="eval").body
    except SyntaxError as exc:
        raise ValueError(f"formula {formula!r} is not arithmetic: {exc.msg}") from None
    for node in ast.walk(tree):
        ok = isinstance(node, (ast.BinOp, ast.UnaryOp, ast.Name, ast.Load, ast.USub, ast.UAdd, *_OPS)) or (
            isinstance(node, ast.Constant) and isinstance(node.value, (int, float))
            and not isinstance(node.value, bool))
        if not ok:
            raise ValueError(f"formula {formula!r}: only numbers, field IDs, + - * / and parentheses are allowed")
        if isinstance(node, ast.Name) and not re.fullmatch(r"_f\d+", node.id):
            raise ValueError(f"formula {formula!r}: {node.id!r} is not a field ID")
    return tree, tuple(names)


def names_in(formula: str) -> set[str]:
    """The field IDs a formula reads; ValueError when it is not plain arithmetic."""
    return set(_parse(formula)[1])


def _number(v: Any) -> float | None:
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def evaluate(formula: str, values: Mapping[str, Any]) -> float | None:
    """The formula's value over `values`; None when an input is empty or not a number.

    Raises DivisionByZero when a divisor is zero.
    """
    tree, names = _parse(formula)
    args = [_number(values.get(n)) for n in names]
    if any(a is None for a in args):
        return None

    def run(node: ast.expr) -> float:
        if isinstance(node, ast.Constant):
            return float(node.value)
        if isinstance(node, ast.Name):
            return args[int(node.id[2:])]  # type: ignore[return-value]
        if isinstance(node, ast.UnaryOp):
            v = run(node.operand)
            return -v if isinstance(node.op, ast.USub) else v
        assert isinstance(node, ast.BinOp)
        left, right = run(node.left), run(node.right)
        if isinstance(node.op, ast.Div) and right == 0:
            raise DivisionByZero(formula)
        return _OPS[type(node.op)](left, right)

    return run(tree)
