"""A compiled mapping and its evaluation over one canonical event (pure, deterministic).

Per event, in this order (``apply`` does it all):
    check_event_type   an event type the mapping does not know: ignored, or fails by policy
    facts              built-in facts of the event, then every field, read from the payload
    ignored            the first ignore rule that holds gives the reason
    require            every required field is non-null
    dimensions         name -> text, carried on every posting line
    accounts           per role, the first account rule that holds, else the chart's account
    clearing           the first clearing rule that holds, else None (the source's own)

A rule whose conditions hold except for a fact that is null cannot be decided: it raises
UnmappableEventError naming the rule and the fact (list null among the values to allow it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import jmespath  # type: ignore[import-untyped]

from ledgerbridge.domain.accounts import Role
from ledgerbridge.domain.errors import UnmappableEventError
from ledgerbridge.domain.events import CommerceEvent, DisputeFunds
from ledgerbridge.mapping.documents import MappingDocument
from ledgerbridge.mapping.functions import (
    BadValue,
    Helpers,
    JMESPathError,
    decimal_key,
    decimal_text,
    typed_text,
)

BUILTIN_FACTS: Mapping[str, str] = {
    "event_type": "string",
    "event_kind": "string",
    "currency": "string",
    "gateway": "string",
    "source": "string",
    "amount": "decimal",
}
"""Facts every event has besides the mapping's fields, with their types."""


@dataclass(frozen=True, slots=True)
class Facts:
    """What rules decide on: ``values`` (built-ins and fields, text or null), and the raw
    ``payload`` that ``when.expr`` conditions read."""

    values: Mapping[str, str | None]
    payload: object


@dataclass(frozen=True, slots=True)
class Applied:
    """What the mapping says about one event; ``ignored_reason`` set means it posts nothing."""

    ignored_reason: str | None
    accounts: Mapping[Role, str]
    dimensions: Mapping[str, str]
    clearing: str | None
    facts: Mapping[str, str | None] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class CompiledField:
    name: str
    expr: Any  # a parsed JMESPath expression, or None
    source: str | None  # the field ``from`` reads, evaluated before this one
    table: Mapping[str, str] | None
    default: str | None  # already typed text
    type: str


@dataclass(frozen=True, slots=True)
class Test:
    """One condition: ``fact`` is one of ``keys`` (decimal facts compare by value)."""

    fact: str
    keys: frozenset[str]
    null_ok: bool
    decimal: bool


@dataclass(frozen=True, slots=True)
class Rule:
    label: str  # "accounts[3]": where the rule is in the document
    tests: tuple[Test, ...] = ()
    expr: Any = None
    event_types: frozenset[str] | None = None
    zero_amount: bool = False
    reason: str | None = None
    account: str = ""


@dataclass(frozen=True, slots=True)
class CompiledDimension:
    name: str
    field: str | None
    value: str | None  # a literal, or the default when the field is null


@dataclass(frozen=True, slots=True)
class CompiledMapping:
    """A validated mapping with every expression parsed once (build it with ``validate``)."""

    document: MappingDocument
    fields: tuple[CompiledField, ...]  # in evaluation order: a field after the one it reads
    dimension_rules: tuple[CompiledDimension, ...]
    role_rules: Mapping[Role, tuple[Rule, ...]]
    clearing_rules: tuple[Rule, ...]
    ignore_rules: tuple[Rule, ...]
    required: tuple[str, ...]
    options: Any  # jmespath.Options with the mapping's helper functions and tables

    @classmethod
    def options_for(cls, tables: Mapping[str, Mapping[str, str]]) -> Any:
        return jmespath.Options(custom_functions=Helpers(tables))

    def check_event_type(self, event_type: str, *, known: bool = True) -> str | None:
        """The reason to ignore an unknown event type (one the adapter does not know, or not
        in the document's ``event_types``), or None; raises under ``unknown_event_type: fail``."""
        listed = self.document.event_types
        if known and (listed is None or event_type in listed):
            return None
        if self.document.unknown_event_type == "fail":
            raise UnmappableEventError(
                f"unknown event type {event_type} (unknown_event_type: fail)",
                event_type=event_type,
                rule="unknown_event_type",
            )
        return f"unknown event type {event_type}"

    def facts(
        self,
        payload: object,
        event_type: str,
        event: CommerceEvent | None = None,
        *,
        source: str | None = None,
    ) -> Facts:
        """The built-in facts of ``event`` and every field read from ``payload``."""
        values: dict[str, str | None] = {
            "event_type": event_type,
            "event_kind": type(event).__name__ if event is not None else None,
            "currency": event.currency if event is not None else None,
            "gateway": getattr(event, "gateway", None),
            "source": source,
            "amount": _amount(event),
        }
        for spec in self.fields:
            values[spec.name] = self._read(spec, payload, values)
        return Facts(values, payload)

    def ignored(self, facts: Facts) -> str | None:
        """Why the event posts nothing (the first ignore rule that holds), or None."""
        event_type = facts.values.get("event_type") or ""
        unknown = self.check_event_type(event_type)
        if unknown:
            return unknown
        for rule in self.ignore_rules:
            if rule.event_types is not None and event_type not in rule.event_types:
                continue
            if rule.zero_amount and not _is_zero(facts.values.get("amount")):
                continue
            if (rule.tests or rule.expr is not None) and not self._holds(rule, facts, False):
                continue
            return rule.reason or f"{rule.label}: {_said(rule, event_type)}"
        return None

    def require(self, facts: Facts) -> None:
        for name in self.required:
            if facts.values.get(name) is None:
                raise UnmappableEventError(
                    f"field {name} (required) is missing", field=name, rule="required_fields"
                )

    def dimensions(self, facts: Facts) -> dict[str, str]:
        out: dict[str, str] = {}
        for dim in self.dimension_rules:
            found = facts.values.get(dim.field) if dim.field is not None else None
            chosen = found if found is not None else dim.value
            if chosen is not None:
                out[dim.name] = chosen
        return out

    def accounts(self, role_defaults: Mapping[Role, str], facts: Facts) -> dict[Role, str]:
        """The chart's account per role, overridden by the first account rule that holds."""
        out = dict(role_defaults)
        for role, rules in self.role_rules.items():
            for rule in rules:
                if self._holds(rule, facts, True):
                    out[role] = rule.account
                    break
        return out

    def clearing(self, facts: Facts) -> str | None:
        """The clearing account the first clearing rule names, or None for the default."""
        for rule in self.clearing_rules:
            if self._holds(rule, facts, True):
                return rule.account
        return None

    def apply(
        self,
        payload: object,
        *,
        event_type: str,
        role_defaults: Mapping[Role, str],
        event: CommerceEvent | None = None,
        source: str | None = None,
        known: bool = True,
    ) -> Applied:
        """Everything the mapping says about one event, in the order of the module docstring."""
        reason = self.check_event_type(event_type, known=known)
        if reason:
            return Applied(reason, {}, {}, None)
        facts = self.facts(payload, event_type, event, source=source)
        reason = self.ignored(facts)
        if reason:
            return Applied(reason, {}, {}, None, facts.values)
        self.require(facts)
        return Applied(
            None,
            self.accounts(role_defaults, facts),
            self.dimensions(facts),
            self.clearing(facts),
            facts.values,
        )

    def _read(
        self, spec: CompiledField, payload: object, values: Mapping[str, str | None]
    ) -> str | None:
        value: object = values[spec.source] if spec.source is not None else payload
        try:
            if spec.expr is not None:
                value = spec.expr.search(value, self.options)
            if spec.table is not None and value is not None:
                value = spec.table.get(typed_text(value, "string"))
            return spec.default if value is None else typed_text(value, spec.type)
        except (JMESPathError, BadValue) as exc:
            raise UnmappableEventError(
                f"field {spec.name}: {exc}", field=spec.name, rule=f"fields.{spec.name}"
            ) from None

    def _holds(self, rule: Rule, facts: Facts, strict: bool) -> bool:
        undecided: str | None = None
        for test in rule.tests:
            value = facts.values.get(test.fact)
            if value is None:
                if not test.null_ok:
                    undecided = undecided or test.fact
                continue
            if (decimal_key(value) if test.decimal else value) not in test.keys:
                return False
        if rule.expr is not None:
            try:
                found = rule.expr.search(facts.payload, self.options)
            except (JMESPathError, BadValue) as exc:
                raise UnmappableEventError(f"rule {rule.label}: {exc}", rule=rule.label) from None
            if not _truthy(found):
                return False
        if undecided is not None:
            if strict:
                raise UnmappableEventError(
                    f"rule {rule.label}: fact {undecided} is null", rule=rule.label, field=undecided
                )
            return False
        return True


def _amount(event: CommerceEvent | None) -> str | None:
    """The event's money: a sale's or refund's total, a dispute's withdrawal plus fee, else
    its ``amount`` (None for events that move none)."""
    if isinstance(event, DisputeFunds):
        return decimal_text(event.withdrawn + event.fee)
    found = getattr(event, "total", None)
    if found is None:
        found = getattr(event, "amount", None)
    return decimal_text(found) if isinstance(found, Decimal) else None


def _said(rule: Rule, event_type: str) -> str:
    if rule.event_types is not None:
        return f"event type {event_type}"
    return "zero amount" if rule.zero_amount else "conditions hold"


def _is_zero(text: str | None) -> bool:
    return text is not None and Decimal(text) == 0


def _truthy(value: object) -> bool:
    """JMESPath truth: false, null, and empty strings, arrays and objects are false; 0 is true."""
    if value is None or value is False:
        return False
    return not (isinstance(value, str | list | dict) and not value)
