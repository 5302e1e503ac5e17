"""Our pass over an MT940/MT942 file before mt-940 sees it: decode, strip the SWIFT envelope,
cut the file into statement blocks and tags, each with the 1-based line it starts on, and
re-join tags that a bank hard-wrapped (``:28C:0000`` + ``0``, a ``:61:`` bank reference split
over two lines). mt-940 gives no line numbers, so these tags are how an error finds its line.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from mt940.tags import TAG_BY_ID

from ledgerbridge.statements.base import BadStatement

_TAG_LINE = re.compile(r"^:(?P<tag>(?P<num>\d{2})[A-Z]?|NS):(?P<rest>.*)$")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_BLOCK_HEAD = re.compile(r"^(?:\{\d:(?:[^{}]|\{[^{}]*\})*\})*\{4:")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
# Free-text tags keep their lines; every other tag is one line by the standard, so whatever a
# bank wrapped onto the next line is glued back without a separator.
MULTI_LINE = frozenset({"86", "NS"})


def known(tag: str) -> bool:
    """Whether mt-940 has a parser for ``tag`` (``28C`` is parsed by the ``28`` parser)."""
    return tag in TAG_BY_ID or (tag[:2].isdigit() and int(tag[:2]) in TAG_BY_ID)


@dataclass(slots=True)
class Tag:
    """One tag with its physical lines (the first without the ``:NN:`` marker)."""

    name: str
    line: int
    lines: list[str] = field(default_factory=list)

    @property
    def value(self) -> str:
        """The tag's content as mt-940 should read it, wrapped lines re-joined."""
        if self.name in MULTI_LINE:
            return "\n".join(self.lines)
        if self.name == "61":
            return _join_statement_line(self.lines)
        return "".join(part.strip() for part in self.lines)


@dataclass(slots=True, eq=False)
class Block:
    """One statement (message): the tags from its ``:20:`` to its terminator."""

    line: int
    tags: list[Tag] = field(default_factory=list)
    last_line: int = 0

    def first(self, *names: str) -> Tag | None:
        return next((t for t in self.tags if t.name in names), None)

    def pairs(self) -> list[tuple[Tag, Tag | None]]:
        """Each ``:61:`` with the ``:86:`` right after it (None when it has none)."""
        found: list[tuple[Tag, Tag | None]] = []
        for i, tag in enumerate(self.tags):
            if tag.name == "61":
                after = self.tags[i + 1] if i + 1 < len(self.tags) else None
                found.append((tag, after if after and after.name == "86" else None))
        return found

    def text(self) -> str:
        """The block for mt-940. A statement-level ``:86:`` (one not right after a ``:61:``) is
        left out: mt-940 would glue it onto the last line's details."""
        kept = [
            t
            for i, t in enumerate(self.tags)
            if t.name != "86" or (i > 0 and self.tags[i - 1].name == "61")
        ]
        return "\n".join(f":{t.name}:{t.value}" for t in kept)


def _join_statement_line(lines: list[str]) -> str:
    """``:61:`` is a main line plus at most one supplementary line (34x). With more lines the
    bank hard-wrapped: the main line runs on until the first continuation starting with ``/``
    (where the supplementary details begin, e.g. ``/TRCD/00100/``), or is only the first line
    when none does; the rest is the supplementary line."""
    parts = [p.strip() for p in lines if p.strip()]
    if len(parts) <= 2:
        return "\n".join(parts)
    split = next((i for i, p in enumerate(parts[1:], 1) if p.startswith("/")), 1)
    main, extra = "".join(parts[:split]), "".join(parts[split:])
    return main + ("\n" + extra if extra else "")


def decode(data: bytes, encoding: str | None) -> tuple[str, str]:
    """The text and the encoding used: the caller's, else UTF-8, else cp1252, else latin-1
    (which never fails). A BOM is dropped."""
    for candidate in (encoding, "utf-8-sig", "cp1252", "latin-1"):
        if not candidate:
            continue
        try:
            return data.decode(candidate), candidate
        except (UnicodeDecodeError, LookupError):
            continue
    raise AssertionError("latin-1 decodes any bytes")  # pragma: no cover


def _next_tag_kinds(lines: list[str]) -> list[str]:
    """For each line, what follows it (skipping continuation lines): the next tag's name, ``{``
    for an envelope line, or ``EOF``. A lone ``-`` is a terminator only before ``:20:``, an
    envelope or the end; before any other tag it is text (ING wraps ``MND-EV01`` at the dash)."""
    kinds = ["EOF"] * len(lines)
    ahead = "EOF"
    for i in range(len(lines) - 1, -1, -1):
        kinds[i] = ahead
        line = lines[i]
        match = _TAG_LINE.match(line)
        if match and known(match["tag"]):
            ahead = match["tag"]
        elif line.startswith("{") or line.startswith("-}"):
            ahead = "{"
    return kinds


def split_blocks(text: str) -> list[Block]:
    """Cut the decoded file into statement blocks of tags with their lines."""
    lines = [_CONTROL.sub("", raw) for raw in _LINE_BREAK.split(text)]
    ahead = _next_tag_kinds(lines)
    blocks: list[Block] = []
    block: Block | None = None
    for index, raw in enumerate(lines):
        number = index + 1
        line = raw.rstrip()
        head = _BLOCK_HEAD.match(line)
        if head:
            _close(block, blocks, number - 1)
            block = None
            line = line[head.end() :]
            if not line:
                continue
        if (
            line.startswith("{")
            or line.startswith("-}")
            or (line == "-" and ahead[index] in ("20", "{", "EOF"))
        ):
            _close(block, blocks, number)
            block = None
            continue
        match = _TAG_LINE.match(line)
        if match and known(match["tag"]):
            name = match["tag"]
            if name == "20":
                _close(block, blocks, number - 1)
                block = Block(line=number)
            elif block is None:
                raise BadStatement(
                    number,
                    f"tag :{name}: before the :20: that opens a statement",
                    field_name=f":{name}:",
                )
            block.tags.append(Tag(name, number, [match["rest"]]))
            continue
        if block is None or not block.tags:
            continue  # header lines between messages (ABNANL2A / 940), blank lines
        if line.strip() or block.tags[-1].name in MULTI_LINE:
            block.tags[-1].lines.append(raw.rstrip("\r\n"))
    _close(block, blocks, len(lines))
    return blocks


def _close(block: Block | None, blocks: list[Block], last_line: int) -> None:
    if block is not None:
        block.last_line = max(last_line, block.tags[-1].line if block.tags else block.line)
        blocks.append(block)


def remittance(tag: Tag) -> str:
    """The :86: text whole, its lines joined. Structured text (DE ``?NN``, NL ``/CODE/``) and
    lines filled to the 65-character width were hard-wrapped, so they join without a
    separator; shorter free-text lines are separate phrases and join with a space."""
    lines = [line.rstrip("\r\n") for line in tag.lines]
    lines = [line for line in lines if line.strip()]
    if not lines:
        return ""
    structured = bool(re.match(r"^\d{3}\?|^/", lines[0]))
    text = lines[0]
    for previous, line in itertools.pairwise(lines):
        wrapped = structured or len(previous) >= 65 or previous[-1:].isspace()
        text += line if wrapped or line[:1].isspace() else " " + line
    return text.strip()
