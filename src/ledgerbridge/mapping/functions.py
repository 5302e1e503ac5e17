"""JMESPath as mappings use it: the helper functions JMESPath lacks, decimal text, and the
static check of an expression (syntax, known functions, arity, lookup tables named literally).

    decimal(x)          a decimal string or integer -> its plain decimal text ("1e3" -> "1000",
                        "45.00" stays "45.00"); never a float; null stays null
    default(x, d)       d when x is null
    lookup(table, key)  the value of key in the document's table, or null
    lower(x), upper(x)  case folding; null stays null
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar, cast

import jmespath  # type: ignore[import-untyped]
from jmespath import exceptions as jexceptions
from jmespath import functions as jfunctions

F = TypeVar("F", bound=Callable[..., object])
MAX_EXPONENT = 30
"""Decimal text beyond 10**30 (or below 10**-30) is refused: no money is that large or small."""

JMESPathError: type[Exception] = jexceptions.JMESPathError


class BadValue(ValueError):
    """Raised when a value cannot be read as the type asked for (a decimal, an integer)."""


def _signature(*types: list[str]) -> Callable[[F], F]:
    return cast(Callable[[F], F], jfunctions.signature(*({"types": t} for t in types)))


def decimal_text(value: object) -> str:
    """The plain text of a decimal given as text or integer: no exponent, no sign on zero."""
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
        raise BadValue(f"{value!r} is not a decimal")
    try:
        # A JSON number may arrive as a float: its shortest repr is the text it was parsed from.
        number = Decimal(repr(value) if isinstance(value, float) else str(value).strip())
    except InvalidOperation:
        raise BadValue(f"{value!r} is not a decimal") from None
    if not number.is_finite() or abs(number.adjusted()) > MAX_EXPONENT:
        raise BadValue(f"{value!r} is not a decimal in range")
    return format(abs(number) if number == 0 else number, "f")


class Helpers(jfunctions.Functions):  # type: ignore[misc]
    """The functions a mapping's expressions may call besides JMESPath's own."""

    def __init__(self, tables: Mapping[str, Mapping[str, str]]) -> None:
        self.tables = tables

    @_signature(["string", "number", "null"])
    def _func_decimal(self, value: object) -> str | None:
        return None if value is None else decimal_text(value)

    @_signature([], [])
    def _func_default(self, value: object, fallback: object) -> object:
        return fallback if value is None else value

    @_signature(["string"], ["string", "number", "boolean", "null"])
    def _func_lookup(self, table: str, key: object) -> str | None:
        if key is None:
            return None
        text = ("true" if key else "false") if isinstance(key, bool) else str(key)
        return self.tables.get(table, {}).get(text)

    @_signature(["string", "null"])
    def _func_lower(self, value: str | None) -> str | None:
        return None if value is None else value.lower()

    @_signature(["string", "null"])
    def _func_upper(self, value: str | None) -> str | None:
        return None if value is None else value.upper()


FUNCTIONS: Mapping[str, Mapping[str, Any]] = Helpers.FUNCTION_TABLE


def compile_expression(text: str) -> Any:
    """The parsed expression (``.search(value, options)``); raises ``ValueError`` when the
    text is not JMESPath, names an unknown function or calls one with the wrong arity."""
    try:
        parsed = jmespath.compile(text)
    except JMESPathError as exc:
        raise ValueError(_parse_reason(text, exc)) from None
    problems = [p for node in _functions(parsed.parsed) if (p := _call_problem(node))]
    if problems:
        raise ValueError("; ".join(problems))
    return parsed


def tables_named(parsed: Any) -> list[str | None]:
    """The table each ``lookup`` call in a parsed expression names (None: not a literal)."""
    out: list[str | None] = []
    for node in _functions(parsed.parsed):
        if node["value"] == "lookup":
            first = node["children"][0]
            literal = first["type"] == "literal" and isinstance(first["value"], str)
            out.append(first["value"] if literal else None)
    return out


def _parse_reason(text: str, exc: Exception) -> str:
    msg = getattr(exc, "msg", None) or str(exc).split("\n", 1)[0]
    position = getattr(exc, "lex_position", None)
    where = f" at position {position}" if position is not None else ""
    return f"malformed JMESPath expression {text!r}: {msg}{where}"


def _functions(node: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    found = [node] if node.get("type") == "function_expression" else []
    for child in node.get("children", ()):
        if isinstance(child, Mapping):
            found.extend(_functions(child))
    return found


def _call_problem(node: Mapping[str, Any]) -> str | None:
    name, args = node["value"], len(node["children"])
    spec = FUNCTIONS.get(name)
    if spec is None:
        return f"unknown function {name}()"
    wanted = spec["signature"]
    variadic = bool(wanted) and wanted[-1].get("variadic", False)
    if args < len(wanted) or (args > len(wanted) and not variadic):
        return f"{name}() takes {len(wanted)} argument(s), not {args}"
    return None


def typed_text(value: object, kind: str) -> str:
    """A JSON value as the text of a fact of ``kind`` (string, decimal, integer, boolean)."""
    if isinstance(value, list | dict):
        raise BadValue(f"an {'array' if isinstance(value, list) else 'object'}, not a {kind}")
    if kind == "decimal":
        return decimal_text(value)
    if kind == "integer":
        return _integer_text(value)
    if kind == "boolean":
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, str) and value.strip().lower() in ("true", "false"):
            return value.strip().lower()
        raise BadValue(f"{value!r} is not a boolean")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    return decimal_text(value)


def decimal_key(text: str) -> str:
    """What decimal facts are compared by: "45.00", "45" and "4.5e1" are equal."""
    return str(Decimal(text).normalize())


def _integer_text(value: object) -> str:
    if isinstance(value, bool):
        raise BadValue(f"{value!r} is not an integer")
    if isinstance(value, int):
        return str(value)
    try:
        number = Decimal(decimal_text(value))
    except BadValue:
        raise BadValue(f"{value!r} is not an integer") from None
    if number != number.to_integral_value():
        raise BadValue(f"{value!r} is not an integer")
    return str(int(number))
