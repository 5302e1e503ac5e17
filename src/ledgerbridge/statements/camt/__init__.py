"""ISO 20022 camt.053 statements, camt.052 reports and camt.054 notifications (.02 to .13),
one XML file or a ZIP of them, read by our own small hardened lxml parser (BANKFILES §1, §7).

    document.py   bytes -> messages: ZIP members, hardened lxml, DOCTYPE refused, namespace
                  dispatch (053/052/054, versions .02-.13, the misspelt 20023 namespace too)
    values.py     child look-ups by local name, amounts at the currency's exponent, CRDT/DBIT
                  signs, Dt/DtTm days in the account's zone; every error at its sourceline
    balances.py   opening OPBD|PRCD, closing CLBD, camt.052 ITBD first/next (OCA's rules)
    entries.py    Ntry -> BankLine: refs, status, reversal, bank code, counterparty by side,
                  remittance; a batch is one line (or split when the details sum to it)
    reader.py     CamtParser: identify(head), parse(data) -> list[Statement], balances checked
"""

from __future__ import annotations

from ledgerbridge.statements.camt.reader import CamtParser

parser = CamtParser()

__all__ = ["CamtParser", "parser"]
