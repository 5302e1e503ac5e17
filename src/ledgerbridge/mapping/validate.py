"""``validate``: a mapping document in full, every problem with its path and reason, compiled.

Checked: the schema (pydantic: unknown keys, wrong types, unknown roles), every JMESPath
expression (syntax, functions, arity, lookup tables), accounts in the chart, fields read by
``from`` and their cycles, lookups of unknown tables, conditions on unknown facts or with
values of the wrong type, defaults of the wrong type, required fields, unreachable rules.
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from typing import Any, get_args

import pydantic

from ledgerbridge.domain.accounts import Role
from ledgerbridge.domain.errors import ValidationError
from ledgerbridge.domain.events import CommerceEvent
from ledgerbridge.mapping.documents import TAG_PREFIX, FieldSpec, MappingDocument, When, load
from ledgerbridge.mapping.evaluate import (
    BUILTIN_FACTS,
    CompiledDimension,
    CompiledField,
    CompiledMapping,
    Rule,
    Test,
)
from ledgerbridge.mapping.functions import (
    BadValue,
    compile_expression,
    decimal_key,
    tables_named,
    typed_text,
)

Problem = dict[str, str]
EVENT_KINDS = frozenset(t.__name__ for t in get_args(CommerceEvent))
RESERVED_FIELDS = frozenset({*BUILTIN_FACTS, "expr"})
RESERVED_DIMENSIONS = frozenset({"source"})


class MappingInvalid(ValidationError):
    """Raised when a mapping document is rejected; ``details["errors"]`` holds every problem
    as ``{"path": "accounts[2].account", "reason": "..."}``."""

    code = "invalid_mapping"

    def __init__(self, errors: list[Problem]) -> None:
        first = errors[0]
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        super().__init__(
            f"invalid mapping: {first['path']}: {first['reason']}{more}", errors=errors
        )
        self.errors = errors


def validate(document: Mapping[str, object] | str, *, accounts: Set[str]) -> CompiledMapping:
    """Check ``document`` (a parsed object, or YAML / JSON text) against the chart's account
    codes ``accounts`` and compile it; raises MappingInvalid with every problem found."""
    data = _parsed(document)
    try:
        doc = MappingDocument.model_validate(data)
    except pydantic.ValidationError as exc:
        if any(e["type"] != "expression" for e in exc.errors()):
            raise MappingInvalid([_from_pydantic(e) for e in exc.errors()]) from None
        # Only expressions are malformed: check the rest too, so every error shows at once.
        doc = MappingDocument.model_validate(data, context={"defer_expressions": True})
    checker = _Checker(doc, accounts)
    compiled = checker.compile()
    if checker.problems:
        raise MappingInvalid(checker.problems)
    return compiled


def _parsed(document: Mapping[str, object] | str) -> object:
    if isinstance(document, str):
        try:
            document = load(document)  # type: ignore[assignment]
        except ValueError as exc:
            raise MappingInvalid([{"path": "$", "reason": str(exc)}]) from None
    if not isinstance(document, Mapping):
        raise MappingInvalid([{"path": "$", "reason": "a mapping document is an object"}])
    return dict(document)


def _from_pydantic(err: Any) -> Problem:
    path, is_key = "", False
    for item in err["loc"]:
        if isinstance(item, int):
            path += f"[{item}]"
        elif item == "[key]":
            is_key = True
        elif not str(item).startswith(TAG_PREFIX):
            path += f".{item}" if path else str(item)
    reason = str(err["msg"])
    if is_key:
        reason = f"bad name: {reason}"
    elif err["type"] == "extra_forbidden":
        reason = "unknown key (not in the mapping schema)"
    elif err["type"] == "literal_error" and err.get("input") == "gateway_clearing":
        reason = "gateway_clearing is chosen by the clearing rules, not accounts"
    return {"path": path or "$", "reason": reason}


class _Checker:
    """Walks a schema-valid document once, collecting problems and compiling as it goes."""

    def __init__(self, doc: MappingDocument, chart: Set[str]) -> None:
        self.doc, self.chart = doc, chart
        self.problems: list[Problem] = []
        self.options = CompiledMapping.options_for(doc.tables)
        self.types = dict(BUILTIN_FACTS)
        for name, spec in doc.fields.items():
            self.types.setdefault(name, spec.type if isinstance(spec, FieldSpec) else "string")

    def add(self, path: str, reason: str) -> None:
        self.problems.append({"path": path, "reason": reason})

    def compile(self) -> CompiledMapping:
        fields = self._fields()
        roles: dict[Role, list[Rule]] = {}
        for i, rule in enumerate(self.doc.accounts):
            label = f"accounts[{i}]"
            self._account(f"{label}.account", rule.account)
            roles.setdefault(Role(rule.role), []).append(self._rule(label, rule.when, rule.account))
        clearing = []
        for i, crule in enumerate(self.doc.clearing):
            self._account(f"clearing[{i}].account", crule.account)
            clearing.append(self._rule(f"clearing[{i}]", crule.when, crule.account))
        whens = {f"accounts[{i}]": r.when for i, r in enumerate(self.doc.accounts)}
        whens.update({f"clearing[{i}]": r.when for i, r in enumerate(self.doc.clearing)})
        for rules in [*roles.values(), clearing]:
            self._reachable([r.label for r in rules], whens)
        ignore = []
        for i, irule in enumerate(self.doc.ignore):
            base = self._rule(f"ignore[{i}]", irule.when, "")
            types = frozenset(irule.event_types) if irule.event_types is not None else None
            ignore.append(
                Rule(
                    base.label, base.tests, base.expr, types, bool(irule.zero_amount), irule.reason
                )
            )
        for i, name in enumerate(self.doc.required_fields):
            if name not in self.doc.fields:
                self.add(f"required_fields[{i}]", f"unknown field {name}")
        return CompiledMapping(
            document=self.doc,
            fields=fields,
            dimension_rules=self._dimensions(),
            role_rules={role: tuple(rules) for role, rules in roles.items()},
            clearing_rules=tuple(clearing),
            ignore_rules=tuple(ignore),
            required=tuple(self.doc.required_fields),
            options=self.options,
        )

    def _fields(self) -> tuple[CompiledField, ...]:
        specs = {
            name: spec
            if isinstance(spec, FieldSpec)
            else FieldSpec.model_validate({"expr": spec}, context={"defer_expressions": True})
            for name, spec in self.doc.fields.items()
        }
        compiled: dict[str, CompiledField] = {}
        for name, spec in specs.items():
            path = f"fields.{name}"
            if name in RESERVED_FIELDS:
                self.add(path, f"{name} is reserved (a built-in fact or when.expr)")
            if spec.from_ is not None and spec.from_ not in specs:
                self.add(f"{path}.from", f"unknown field {spec.from_}")
            table = None
            if spec.lookup is not None:
                table = self.doc.tables.get(spec.lookup)
                if table is None:
                    self.add(f"{path}.lookup", self._unknown_table(spec.lookup))
            expr_path = f"{path}.expr" if isinstance(self.doc.fields[name], FieldSpec) else path
            expr = self._expression(expr_path, spec.expr) if spec.expr is not None else None
            compiled[name] = CompiledField(
                name, expr, spec.from_, table, self._default(path, spec), spec.type
            )
        return tuple(compiled[n] for n in self._order(specs))

    def _default(self, path: str, spec: FieldSpec) -> str | None:
        if spec.default is None:
            return None
        if spec.type == "string" and not isinstance(spec.default, str):
            self.add(f"{path}.default", f"{spec.default!r} is not a string (type string)")
            return None
        try:
            return typed_text(spec.default, spec.type)
        except BadValue as exc:
            self.add(f"{path}.default", f"{exc} (type {spec.type})")
            return None

    def _order(self, specs: Mapping[str, FieldSpec]) -> list[str]:
        """Fields in evaluation order (each after the field it reads); cycles reported once."""
        done: list[str] = []
        state: dict[str, str] = {}
        for start in specs:
            chain: list[str] = []
            name: str | None = start
            while name is not None and name in specs and name not in state:
                state[name] = "visiting"
                chain.append(name)
                name = specs[name].from_
            if name is not None and state.get(name) == "visiting":
                cycle = [*chain[chain.index(name) :], name]
                self.add(f"fields.{cycle[0]}.from", f"cycle: {' -> '.join(cycle)}")
            for visited in reversed(chain):
                state[visited] = "done"
                done.append(visited)
        return done

    def _dimensions(self) -> tuple[CompiledDimension, ...]:
        out = []
        for name, dim in self.doc.dimensions.items():
            path = f"dimensions.{name}"
            if name in RESERVED_DIMENSIONS:
                self.add(path, f"{name} is reserved: ledgerbridge sets it to the source id")
            if isinstance(dim, str):
                out.append(CompiledDimension(name, dim, None))
                ref, ref_path = dim, path
            elif hasattr(dim, "value"):
                out.append(CompiledDimension(name, None, dim.value))
                continue
            else:
                out.append(CompiledDimension(name, dim.field, dim.default))
                ref, ref_path = dim.field, f"{path}.field"
            if ref not in self.types:
                self.add(ref_path, f"unknown field {ref}")
        return tuple(out)

    def _account(self, path: str, code: str) -> None:
        if code not in self.chart:
            self.add(path, f"account {code} is not in the chart")

    def _rule(self, label: str, when: When | None, account: str) -> Rule:
        if when is None:
            return Rule(label, account=account)
        tests = []
        for fact, condition in when.facts.items():
            values = condition if isinstance(condition, tuple) else (condition,)
            test = self._test(f"{label}.when.{fact}", fact, values)
            if test is not None:
                tests.append(test)
        expr = self._expression(f"{label}.when.expr", when.expr) if when.expr else None
        return Rule(label, tuple(tests), expr, account=account)

    def _test(self, path: str, fact: str, values: tuple[object, ...]) -> Test | None:
        kind = self.types.get(fact)
        if kind is None:
            known = ", ".join(sorted(self.types))
            self.add(path, f"unknown fact {fact} (facts: {known})")
            return None
        keys = set()
        for value in values:
            if value is None:
                continue
            try:
                text = typed_text(value, kind)
            except BadValue as exc:
                self.add(path, f"fact {fact} is a {kind}: {exc}, so the rule can never match")
                continue
            if fact == "event_kind" and text not in EVENT_KINDS:
                self.add(
                    path, f"unknown event kind {text} (kinds: {', '.join(sorted(EVENT_KINDS))})"
                )
            keys.add(decimal_key(text) if kind == "decimal" else text)
        return Test(fact, frozenset(keys), None in values, kind == "decimal")

    def _reachable(self, labels: list[str], whens: Mapping[str, When | None]) -> None:
        """Rules after one with no conditions (for the same role) can never apply."""
        for i, label in enumerate(labels):
            when = whens[label]
            if when is None or (not when.facts and when.expr is None):
                for later in labels[i + 1 :]:
                    self.add(later, f"unreachable: {label} always matches first")
                return

    def _expression(self, path: str, text: str) -> Any:
        try:
            parsed = compile_expression(text)
        except ValueError as exc:
            self.add(path, str(exc))
            return compile_expression("`null`")
        for table in tables_named(parsed):
            if table is None:
                self.add(path, "lookup() names its table as a quoted literal: lookup('t', x)")
            elif table not in self.doc.tables:
                self.add(path, self._unknown_table(table))
        return parsed

    def _unknown_table(self, name: str) -> str:
        return f"unknown table {name} (tables: {', '.join(sorted(self.doc.tables)) or 'none'})"
