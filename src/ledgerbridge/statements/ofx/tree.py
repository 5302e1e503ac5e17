"""The OFX body as a small tree of ``Node``s, each with the line of its opening tag.

OFX 1.x is SGML: aggregates are closed, leaf values (``<TRNAMT>-12.50``) usually are not, and
some banks close them anyway (``<FITID></FITID>``). One tokenizer reads both. OFX 2.x is XML
and goes through a hardened lxml parser (no entities, no network, no DTD; a DOCTYPE was
already refused), then into the same ``Node`` shape.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from lxml import etree  # type: ignore[import-untyped]  # no stubs are installed

from ledgerbridge.statements.base import BadStatement
from ledgerbridge.statements.ofx.text import OfxText

_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9._]*)\s*>")
# Aggregates whose end tag some banks omit (Nubank leaves </BANKTRANLIST> out), with what they
# may hold: an opening tag outside that list closes them. Leaves keep the SGML rule below.
_HOLDS = {
    "BANKTRANLIST": {"DTSTART", "DTEND", "STMTTRN"},
    "LEDGERBAL": {"BALAMT", "DTASOF"},
    "AVAILBAL": {"BALAMT", "DTASOF"},
    "STATUS": {"CODE", "SEVERITY", "MESSAGE"},
}


@dataclass(slots=True)
class Node:
    name: str
    line: int
    text: str = ""
    children: list[Node] = field(default_factory=list)

    def child(self, name: str) -> Node | None:
        return next((c for c in self.children if c.name == name), None)

    def all(self, name: str) -> list[Node]:
        return [c for c in self.children if c.name == name]

    def value(self, name: str) -> str:
        """The stripped text of the first child ``name``; "" when absent or empty."""
        found = self.child(name)
        return found.text if found is not None else ""

    def walk(self, name: str) -> list[Node]:
        """Every descendant called ``name``, in file order (not below a match)."""
        found: list[Node] = []
        for c in self.children:
            if c.name == name:
                found.append(c)
            else:
                found.extend(c.walk(name))
        return found


def _sgml(doc: OfxText, notes: list[str]) -> Node:
    root = Node("#document", 1)
    stack = [root]
    last_leaf: Node | None = None
    body = doc.body
    matches = list(_TAG.finditer(body))
    line, counted = 1, 0
    for i, m in enumerate(matches):
        closing, name = m.group(1) == "/", m.group(2).upper()
        line += body.count("\n", counted, m.start())
        counted = m.start()
        end = matches[i + 1].start() if i + 1 < len(matches) else len(body)
        text = body[m.end() : end]
        if "<" in text:
            where = m.end() + text.index("<")
            raise BadStatement(doc.line_at(where), "a '<' that opens no tag", field_name=name)
        if not closing:
            top = stack[-1]
            while top.name == name or name not in _HOLDS.get(top.name, {name}):
                notes.append(
                    f"line {top.line}: <{top.name}> is never closed; closed at line {line}"
                )
                stack.pop()
                top = stack[-1]
            node = Node(name, line, html.unescape(text).strip())
            stack[-1].children.append(node)
            if node.text:
                last_leaf = node
            else:
                stack.append(node)
                last_leaf = None
            continue
        if text.strip():
            raise BadStatement(
                line, f"text after </{name}>: {text.strip()[:30]!r}", field_name=name
            )
        if last_leaf is not None and last_leaf.name == name:
            last_leaf = None
            continue
        last_leaf = None
        if not any(n.name == name for n in stack[1:]):
            raise BadStatement(line, f"</{name}> closes nothing that is open", field_name=name)
        while stack[-1].name != name:
            # An element never closed and with no text is an SGML empty leaf (<NAME><MEMO>x):
            # what was read after it belongs to its parent.
            lost = stack.pop()
            if lost.name in _HOLDS:
                notes.append(f"line {lost.line}: <{lost.name}> is closed by </{name}>")
            else:
                stack[-1].children.extend(lost.children)
                lost.children = []
        stack.pop()
    if len(stack) > 1:
        last = doc.line_at(len(body.rstrip()))
        raise BadStatement(
            last, f"the file ends inside <{stack[1].name}> (cut short?)", field_name=stack[-1].name
        )
    return root


def _xml_parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def _from_element(element: etree._Element) -> Node:
    name = etree.QName(element).localname.upper()
    node = Node(name, element.sourceline or 0, (element.text or "").strip())
    for child in element:
        if isinstance(child.tag, str):
            node.children.append(_from_element(child))
            if (child.tail or "").strip():
                raise BadStatement(
                    child.sourceline or 0, "text between elements", field_name=node.name
                )
    if node.children:
        node.text = ""
    return node


def _xml(doc: OfxText) -> Node:
    # The XML declaration was blanked with the rest of the prologue: lxml reads UTF-8 bytes.
    try:
        element = etree.fromstring(doc.body.encode("utf-8"), _xml_parser())
    except etree.XMLSyntaxError as exc:
        line = exc.lineno or 1
        raise BadStatement(line, f"not well-formed XML: {exc.msg}") from None
    root = Node("#document", 1)
    root.children.append(_from_element(element))
    return root


def parse_tree(doc: OfxText) -> tuple[Node, list[str]]:
    """The ``<OFX>`` element of the file and notes on what was repaired; BadStatement with
    the line when it cannot be read."""
    notes: list[str] = []
    root = _xml(doc) if doc.xml else _sgml(doc, notes)
    ofx = root.child("OFX")
    if ofx is None:
        raise BadStatement(1, "no <OFX> element", field_name="OFX")
    return ofx, notes
