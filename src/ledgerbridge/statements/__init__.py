"""Bank statement formats at the edge: one folder per format, one line per format in registry.py.

base.py       Statement, BankLine, Balance; BadStatement (the line that broke a file);
              the balance check and the stable fingerprint used when a bank gives no ref
registry.py   format name -> parser module; detect(head) picks the format of a file
camt/ mt940/ ofx/ bai2/ csv/   identify(head) -> bool, parse(data) -> list[Statement]
"""
