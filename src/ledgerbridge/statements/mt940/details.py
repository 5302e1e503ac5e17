"""What ``:86:`` says about the counterparty: German ``?NN`` subfields (read by mt-940's own
processor) and Dutch slash codes (``/EREF/…/CNTP/IBAN/BIC/name/city/``, ING and Rabobank),
which mt-940 leaves as text. The raw text itself is kept whole as the line's remittance."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

# Dutch (NVB/ING/Rabobank/ABN AMRO "SEPA") field codes; a token equal to one starts a field.
NL_CODES = frozenset(
    {
        "ADDR",
        "BENM",
        "BIC",
        "BUSP",
        "CHGS",
        "CNTP",
        "CSID",
        "EREF",
        "EXCH",
        "FX",
        "IBAN",
        "IREF",
        "ISDT",
        "MARF",
        "NAME",
        "ORDP",
        "PREF",
        "PURP",
        "REMI",
        "RTRN",
        "SVCL",
        "TRCD",
        "ULTB",
        "ULTC",
        "ULTD",
    }
)
# What a :61: customer reference or an E2E id holds when the real one is elsewhere or absent.
PLACEHOLDERS = frozenset({"", "NONREF", "EREF", "PREF", "KREF+", "NOTPROVIDED"})
_IBAN = re.compile(r"^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$")


@dataclass(frozen=True, slots=True)
class Counterparty:
    name: str | None = None
    account: str | None = None
    end_to_end: str | None = None
    gvc: str | None = None


def _clean(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    text = " ".join(value.split())
    return None if text.upper() in PLACEHOLDERS else text


def slash_codes(text: str) -> dict[str, str]:
    """``/EREF/x//CNTP/a/b/c///REMI/USTD//y/`` -> {EREF: x/, CNTP: a/b/c//, REMI: USTD//y/};
    empty when the text does not open with a known code."""
    tokens = text.split("/")
    if len(tokens) < 3 or tokens[0].strip() or tokens[1] not in NL_CODES:
        return {}
    fields: dict[str, str] = {}
    code, values = tokens[1], list[str]()
    for token in tokens[2:]:
        if token in NL_CODES and token not in fields and token != code:
            fields.setdefault(code, "/".join(values))
            code, values = token, []
        else:
            values.append(token)
    fields.setdefault(code, "/".join(values))
    return fields


def _from_slash_codes(fields: Mapping[str, str]) -> Counterparty:
    name = account = None
    if "CNTP" in fields:  # account / BIC / name / city
        parts = fields["CNTP"].split("/")
        account = _clean(parts[0])
        name = _clean(parts[2]) if len(parts) > 2 else None
    name = name or _clean(fields.get("NAME", "").strip("/"))
    account = account or _clean(fields.get("IBAN", "").strip("/"))
    eref = _clean(fields.get("EREF", "").strip("/"))
    return Counterparty(name=name, account=account, end_to_end=eref)


def counterparty(details: str, parsed: Mapping[str, object], supplementary: str) -> Counterparty:
    """The counterparty from a line's ``:86:`` (``details``), mt-940's parse of it (``parsed``)
    and the ``:61:`` supplementary line (Rabobank puts the counter-IBAN there)."""
    gvc = _clean(parsed.get("transaction_code"))
    if gvc is not None:  # German structured :86: (GVC?00…?20…?32…)
        found = Counterparty(
            name=_clean(parsed.get("applicant_name")),
            account=_clean(parsed.get("applicant_iban")),
            end_to_end=_clean(parsed.get("end_to_end_reference")),
            gvc=gvc,
        )
    else:
        found = _from_slash_codes(slash_codes(details))
    extra = supplementary.strip().replace(" ", "")
    if found.account is None and _IBAN.match(extra):
        found = Counterparty(found.name, extra, found.end_to_end, found.gvc)
    return found
