"""BAI2 (BAI Cash Management Balance Reporting Specifications v2, now X9.121 BTRS), read by
our own small parser (BANKFILES.md §4 recommends it over the ``bai2`` package).

    records.py   text -> physical records with lines (``/`` or line-end terminated, several
                 per line, wrapped text) and logical records with their 88 continuations
    codes.py     type codes and their direction, funds types, implied-decimal amounts, dates
    accounts.py  an 03 summary and its 16 details -> BankLines (+ amounts for control totals)
    parser.py    Bai2Parser: file/group/account structure, 49/98/99 totals and counts checked
"""

from ledgerbridge.statements.bai2.parser import Bai2Parser, parser

__all__ = ["Bai2Parser", "parser"]
