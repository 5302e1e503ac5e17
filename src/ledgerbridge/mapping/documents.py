"""The mapping document: pydantic models of what a developer writes, its YAML/JSON reader, and
the JSON Schema published from the models (docs/mapping.schema.json).

A document only says what it says here; whether its references hold (accounts in the chart,
fields, tables, facts, cycles) is checked by ``validate.py``, which also compiles it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml  # type: ignore[import-untyped]
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    PlainValidator,
    Tag,
    ValidationInfo,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError

from ledgerbridge.mapping.functions import compile_expression

NAME_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]*$"
TAG_PREFIX = "~"
"""Union tags start with it; validate.py drops them from error paths."""

Name = Annotated[str, Field(pattern=NAME_PATTERN)]
FieldType = Literal["string", "decimal", "integer", "boolean"]
AccountRole = Literal[
    "bank",
    "sales",
    "sales_returns",
    "discounts",
    "shipping_income",
    "tax_payable",
    "payment_fees",
    "chargebacks",
    "gift_card_liability",
    "fx_gain_loss",
    "rounding",
    "suspense",
]
"""Every Role but gateway_clearing, which the clearing rules choose (a test keeps them equal)."""
Scalar = str | int | bool


def _scalar(value: object) -> Scalar:
    if isinstance(value, str | bool | int):
        return value
    hint = ' (write decimals as strings: "0.20")' if isinstance(value, float) else ""
    raise PydanticCustomError(
        "scalar", "expected a string, integer or boolean{hint}", {"hint": hint}
    )


def _condition(value: object) -> Scalar | tuple[Scalar | None, ...] | None:
    if value is None:
        return None
    if isinstance(value, list):
        return tuple(None if v is None else _scalar(v) for v in value)
    return _scalar(value)


_SCALAR_SCHEMA: dict[str, Any] = {"type": ["string", "integer", "boolean"]}
_VALUE_SCHEMA: dict[str, Any] = {"type": ["string", "integer", "boolean", "null"]}
ScalarValue = Annotated[Scalar, PlainValidator(_scalar), WithJsonSchema(_SCALAR_SCHEMA)]
Condition = Annotated[
    Scalar | tuple[Scalar | None, ...] | None,
    PlainValidator(_condition),
    WithJsonSchema({"anyOf": [_VALUE_SCHEMA, {"type": "array", "items": _VALUE_SCHEMA}]}),
]


def _expression(text: str, info: ValidationInfo) -> str:
    if isinstance(info.context, dict) and info.context.get("defer_expressions"):
        return text  # validate.py checks them with the cross-references, to report all at once
    try:
        compile_expression(text)
    except ValueError as exc:
        raise PydanticCustomError("expression", "{reason}", {"reason": str(exc)}) from None
    return text


def _int_as_text(value: object) -> object:
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


Text = Annotated[str, BeforeValidator(_int_as_text)]
"""Text where YAML readers write numbers: account codes, table keys and values (4010)."""

Expr = Annotated[str, AfterValidator(_expression)]
"""A JMESPath expression, checked on reading: syntax, known functions, arity."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class When(BaseModel):
    """Conditions, all of which must hold: fact name -> a value or a list of values (any of),
    and optionally ``expr``, a JMESPath expression over the payload that must be truthy."""

    model_config = ConfigDict(extra="allow", frozen=True)
    __pydantic_extra__: dict[str, Condition] = Field(init=False)

    expr: Expr | None = None

    @property
    def facts(self) -> dict[str, Scalar | tuple[Scalar | None, ...] | None]:
        return dict(self.model_extra or {})


class FieldSpec(_Model):
    """A field read from the payload (``expr``) or derived from another field (``from``; with
    ``expr`` too, the expression reads that field's value as ``@``). A value found in the
    ``lookup`` table is replaced by the table's value; null then takes ``default``."""

    expr: Expr | None = None
    from_: Name | None = Field(None, alias="from")
    default: ScalarValue | None = None
    type: FieldType = "string"
    lookup: Name | None = None

    @model_validator(mode="after")
    def _reads_something(self) -> FieldSpec:
        if self.expr is None and self.from_ is None:
            raise PydanticCustomError("field_source", "a field needs expr, from, or both")
        return self


class DimensionFromField(_Model):
    field: Name
    default: Text | None = None


class DimensionValue(_Model):
    value: Text


class AccountRule(_Model):
    """Posting lines of ``role`` go to ``account`` when ``when`` holds (first match wins)."""

    role: AccountRole
    account: Text
    when: When | None = None


class ClearingRule(_Model):
    """The gateway clearing (control) account, e.g. one per merchant code."""

    role: Literal["gateway_clearing"] = "gateway_clearing"
    account: Text
    when: When | None = None


class IgnoreRule(_Model):
    """An event is ignored when every condition given holds."""

    when: When | None = None
    event_types: list[Text] | None = None
    zero_amount: Literal[True] | None = None
    reason: str | None = None

    @model_validator(mode="after")
    def _says_something(self) -> IgnoreRule:
        if self.when is None and self.event_types is None and self.zero_amount is None:
            raise PydanticCustomError("ignore_rule", "give when, event_types or zero_amount")
        return self


def _text_or_object(value: object) -> str:
    return f"{TAG_PREFIX}text" if isinstance(value, str) else f"{TAG_PREFIX}object"


def _dimension_kind(value: object) -> str:
    if isinstance(value, str):
        return f"{TAG_PREFIX}text"
    return (
        f"{TAG_PREFIX}value"
        if isinstance(value, dict) and "value" in value
        else f"{TAG_PREFIX}field"
    )


FieldDef = Annotated[
    Annotated[Expr, Tag(f"{TAG_PREFIX}text")] | Annotated[FieldSpec, Tag(f"{TAG_PREFIX}object")],
    Discriminator(_text_or_object),
]
DimensionDef = Annotated[
    Annotated[Name, Tag(f"{TAG_PREFIX}text")]
    | Annotated[DimensionFromField, Tag(f"{TAG_PREFIX}field")]
    | Annotated[DimensionValue, Tag(f"{TAG_PREFIX}value")],
    Discriminator(_dimension_kind),
]


class MappingDocument(_Model):
    """A source's mapping: fields read from the platform payload, lookup tables, dimensions
    carried on every posting line, account and clearing rules, and what to ignore."""

    schema_: str | None = Field(None, alias="$schema")
    description: str | None = None
    fields: dict[Name, FieldDef] = {}
    tables: dict[Name, dict[Text, Text]] = {}
    dimensions: dict[Name, DimensionDef] = {}
    accounts: list[AccountRule] = []
    clearing: list[ClearingRule] = []
    ignore: list[IgnoreRule] = []
    event_types: list[str] | None = None
    unknown_event_type: Literal["ignore", "fail"] = "ignore"
    required_fields: list[Name] = []


def schema() -> dict[str, Any]:
    """The published JSON Schema of a mapping document."""
    out = MappingDocument.model_json_schema()
    out["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    out["$id"] = "https://ledgerbridge.dev/schemas/mapping.schema.json"
    return out


def schema_json() -> str:
    return json.dumps(schema(), indent=2, sort_keys=True) + "\n"


def write_schema(path: Path) -> None:
    """Regenerate docs/mapping.schema.json (a test checks the committed file is current)."""
    path.write_text(schema_json(), encoding="utf-8")


class _Loader(yaml.SafeLoader):  # type: ignore[misc]
    """YAML 1.2 scalars: only true/false are booleans (a country code NO stays "NO"), and a
    decimal like 0.20 stays the text "0.20" (never a float)."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_Loader.add_constructor(
    "tag:yaml.org,2002:float", lambda loader, node: loader.construct_scalar(node)
)


def load(text: str) -> object:
    """Parse a YAML or JSON document (JSON is YAML). Raises ``ValueError`` with line and column."""
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise ValueError(f"not valid YAML or JSON: {exc}") from None
