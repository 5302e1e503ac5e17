"""Database-level guards: a posted entry or line cannot be updated or deleted, on either
engine, whatever code runs against the database. Corrections are reversing entries."""

from __future__ import annotations

SQLITE = [
    f"""CREATE TRIGGER IF NOT EXISTS {table}_immutable_{op.lower()} BEFORE {op} ON {table}
BEGIN SELECT RAISE(ABORT, 'posted {table} are immutable: post a reversal'); END"""
    for table in ("entries", "lines")
    for op in ("UPDATE", "DELETE")
]

POSTGRESQL = [
    """CREATE OR REPLACE FUNCTION ledgerbridge_immutable() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'posted % are immutable: post a reversal', TG_TABLE_NAME
    USING ERRCODE = 'integrity_constraint_violation';
END $$ LANGUAGE plpgsql""",
    *[
        f"""CREATE TRIGGER {table}_immutable BEFORE UPDATE OR DELETE ON {table}
FOR EACH ROW EXECUTE FUNCTION ledgerbridge_immutable()"""
        for table in ("entries", "lines")
    ],
    # The per-entry balance, checked again by the database at commit (hordak's deferred trigger).
    """CREATE OR REPLACE FUNCTION ledgerbridge_entry_balances() RETURNS trigger AS $$
DECLARE off RECORD;
BEGIN
  SELECT currency, SUM(amount_minor) AS total INTO off FROM lines
   WHERE entry_id = NEW.entry_id GROUP BY currency HAVING SUM(amount_minor) <> 0 LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'entry % does not balance in %', NEW.entry_id, off.currency
      USING ERRCODE = 'check_violation';
  END IF;
  SELECT base_currency, SUM(base_amount_minor) AS total INTO off FROM lines
   WHERE entry_id = NEW.entry_id GROUP BY base_currency HAVING SUM(base_amount_minor) <> 0 LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'entry % does not balance in base', NEW.entry_id
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql""",
    """CREATE CONSTRAINT TRIGGER lines_balance AFTER INSERT ON lines
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledgerbridge_entry_balances()""",
]

DROP_SQLITE = [
    f"DROP TRIGGER IF EXISTS {table}_immutable_{op}"
    for table in ("entries", "lines")
    for op in ("update", "delete")
]

DROP_POSTGRESQL = [
    "DROP TRIGGER IF EXISTS lines_balance ON lines",
    "DROP TRIGGER IF EXISTS entries_immutable ON entries",
    "DROP TRIGGER IF EXISTS lines_immutable ON lines",
    "DROP FUNCTION IF EXISTS ledgerbridge_entry_balances()",
    "DROP FUNCTION IF EXISTS ledgerbridge_immutable()",
]
