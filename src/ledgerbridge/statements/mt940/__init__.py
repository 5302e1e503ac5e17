"""SWIFT MT940 customer statements and MT942 interim reports, read with mt-940 behind our own
pre-pass (line numbers, wrapped tags, encodings) and checks (balances, exact amounts).

    prepass.py   decode, strip the SWIFT envelope, split into statement blocks and tags with
                 their lines, re-join hard-wrapped tags, join :86: text
    parser.py    Mt940Parser: identify, parse; mt-940 errors -> BadStatement with the tag's line
    convert.py   a block as mt-940 read it -> Statement (signs, entry-date year, balances)
    details.py   the counterparty from :86: (DE ?NN subfields, NL /CODE/ slash codes)
"""

from ledgerbridge.statements.mt940.parser import Mt940Parser, parser

__all__ = ["Mt940Parser", "parser"]
