"""From bytes to camt messages: a ZIP of XML files or one XML file, parsed hardened, and
dispatched on the namespace of the root.

The files are untrusted: lxml never resolves entities, never touches the network, loads no
DTD, and a document that declares a DOCTYPE at all is refused. A ZIP (German banks ship a day's
statements as one) is read member by member with a size cap, so a ZIP bomb is refused too.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from io import BytesIO

from lxml import etree  # type: ignore[import-untyped]  # no stubs are installed

from ledgerbridge.statements.base import BadStatement
from ledgerbridge.statements.camt.values import Element, child, children, fail

# urn:iso:std:iso:20022:tech:xsd:camt.053.001.08; some banks write 20023 (BANKFILES §1).
NAMESPACE = re.compile(r"urn:iso:std:iso:2002[23]:tech:xsd:camt\.05([234])\.001\.([0-9]{2})")
VERSIONS = range(2, 14)
# message -> (body element under Document, one statement/report/notification element)
BODIES = {
    "053": ("BkToCstmrStmt", "Stmt"),
    "052": ("BkToCstmrAcctRpt", "Rpt"),
    "054": ("BkToCstmrDbtCdtNtfctn", "Ntfctn"),
}
ZIP_MAGIC = b"PK\x03\x04"
EMPTY_ZIP_MAGIC = b"PK\x05\x06"
MAX_MEMBER_BYTES = 256 * 1024 * 1024
MAX_MEMBERS = 10_000
_DOCTYPE = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Message:
    """One camt document: its message (053/052/054), version and its statement elements."""

    kind: str
    version: int
    reports: list[Element]


def messages(data: bytes) -> Iterator[tuple[str | None, Message]]:
    """Each message in ``data`` with its ZIP member name (None for a plain XML file)."""
    if data.startswith((ZIP_MAGIC, EMPTY_ZIP_MAGIC)):
        yield from _members(data)
        return
    yield None, dispatch(_tree(data))


def _members(data: bytes) -> Iterator[tuple[str | None, Message]]:
    try:
        archive = zipfile.ZipFile(BytesIO(data))
        infos = [i for i in archive.infolist() if _is_content(i)]
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise BadStatement(1, f"not a readable ZIP archive: {exc}", field_name="zip") from None
    if not infos:
        raise BadStatement(1, "the ZIP archive holds no XML file", field_name="zip")
    if len(infos) > MAX_MEMBERS:
        raise BadStatement(1, f"the ZIP archive holds over {MAX_MEMBERS} files", field_name="zip")
    for info in infos:
        name = info.filename
        if not name.lower().endswith(".xml"):
            raise BadStatement(
                1, f"{name}: not an XML file (a camt ZIP holds XML files only)", field_name="zip"
            )
        try:
            with archive.open(info) as member:
                body = member.read(MAX_MEMBER_BYTES + 1)
        except (
            zipfile.BadZipFile,
            zlib.error,
            OSError,
            RuntimeError,
            ValueError,
            EOFError,
            NotImplementedError,
        ) as exc:
            raise BadStatement(
                1, f"{name}: cannot be read from the ZIP: {exc}", field_name="zip"
            ) from None
        if len(body) > MAX_MEMBER_BYTES:
            raise BadStatement(
                1, f"{name}: larger than {MAX_MEMBER_BYTES} bytes unpacked", field_name="zip"
            )
        try:
            yield name, dispatch(_tree(body))
        except BadStatement as exc:
            raise in_member(exc, name) from None


def _is_content(info: zipfile.ZipInfo) -> bool:
    name = info.filename
    return not (info.is_dir() or name.startswith("__MACOSX/") or name.rsplit("/", 1)[-1][:1] == ".")


def in_member(exc: BadStatement, name: str) -> BadStatement:
    """The same error, its reason prefixed with the ZIP member it comes from."""
    line = exc.details.get("line")
    field = exc.details.get("field")
    return BadStatement(
        line if isinstance(line, int) else 0,
        f"{name}: {exc.details.get('reason')}",
        field_name=field if isinstance(field, str) else None,
    )


def _tree(data: bytes) -> Element:
    found = _DOCTYPE.search(data)
    if found is not None:
        line = data.count(b"\n", 0, found.start()) + 1
        raise BadStatement(
            line,
            "a DOCTYPE or ENTITY declaration is not allowed in a bank file",
            field_name="DOCTYPE",
        )
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise BadStatement(exc.lineno or 1, f"broken XML: {exc.msg}", field_name="XML") from None
    except (etree.LxmlError, ValueError) as exc:  # an encoding lxml cannot read, and the like
        raise BadStatement(1, f"unreadable XML: {exc}", field_name="XML") from None
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise BadStatement(1, "a DOCTYPE is not allowed in a bank file", field_name="DOCTYPE")
    return root


def local_name(element: Element) -> str:
    return str(etree.QName(element).localname)


def dispatch(root: Element) -> Message:
    """Read the message and version from the root's namespace and check the body agrees."""
    namespace = etree.QName(root).namespace or ""
    match = NAMESPACE.fullmatch(namespace)
    if local_name(root) != "Document" or match is None:
        raise fail(
            root,
            f"not a camt.052/053/054 document (root <{local_name(root)}> in "
            f"namespace {namespace or 'none'!r})",
            "Document",
        )
    kind, version = "05" + match.group(1), int(match.group(2))
    if version not in VERSIONS:
        raise fail(
            root,
            f"camt.{kind}.001.{version:02d} is not a supported version (.02 to .13 are)",
            "Document",
        )
    body_name, report_name = BODIES[kind]
    body = child(root, body_name)
    if body is None:
        found = [local_name(e) for e in root if isinstance(e.tag, str)]
        raise fail(
            root,
            f"a camt.{kind} document needs <{body_name}>, found "
            f"{', '.join(f'<{n}>' for n in found) or 'nothing'}",
            body_name,
        )
    reports = children(body, report_name)
    if not reports:
        raise fail(body, f"<{body_name}> holds no <{report_name}>", report_name)
    return Message(kind, version, reports)


def head_is_camt(head: bytes) -> bool:
    """Whether the first bytes look like a camt XML file or a ZIP of XML files."""
    if head.startswith(ZIP_MAGIC):
        return _zip_head_is_xml(head)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", errors="ignore").encode("utf-8")
    text = head.decode("utf-8", errors="ignore")
    return NAMESPACE.search(text) is not None


def _zip_head_is_xml(head: bytes) -> bool:
    """The first member's name (ZIP local header: name length at 26, name at 30) ends in .xml
    and is not an Office file's ``[Content_Types].xml``."""
    if len(head) < 30:
        return False
    size = int.from_bytes(head[26:28], "little")
    name = head[30 : 30 + size].decode("utf-8", errors="ignore").lower()
    return name.endswith(".xml") and not name.startswith("[content_types]")
