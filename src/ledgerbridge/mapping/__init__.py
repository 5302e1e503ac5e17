"""Custom field mapping: a per-source document (YAML or JSON) that reads fields from the
platform payload with JMESPath and chooses accounts, clearing accounts and dimensions.

    documents.py   the document's pydantic models, YAML reader, published JSON Schema
    functions.py   JMESPath helpers (decimal, default, lookup, lower, upper), expression checks
    validate.py    validate(document, accounts=...) -> CompiledMapping, or MappingInvalid
    evaluate.py    CompiledMapping: facts, ignored, dimensions, accounts, clearing, apply

Pure: no I/O, no database. Versions, preview and posting live in service/, api/ and cli/.
"""

from ledgerbridge.mapping.documents import MappingDocument, load, schema, schema_json, write_schema
from ledgerbridge.mapping.evaluate import BUILTIN_FACTS, Applied, CompiledMapping, Facts
from ledgerbridge.mapping.validate import MappingInvalid, validate

__all__ = [
    "BUILTIN_FACTS",
    "Applied",
    "CompiledMapping",
    "Facts",
    "MappingDocument",
    "MappingInvalid",
    "load",
    "schema",
    "schema_json",
    "validate",
    "write_schema",
]
