"""Reconciliation matching (pure): deterministic, explainable, every match with its rule.

model.py     PayoutRef, DepositRef, Match, Discrepancy
payouts.py   level 1: gateway payouts to bank deposits (one-to-one, batched, split,
             short by a bank fee) and the leftovers (missing deposits, deposits with no
             payout, duplicate payouts)
"""

from ledgerbridge.domain.matching.model import DepositRef, Discrepancy, Match, PayoutRef
from ledgerbridge.domain.matching.payouts import match_payouts

__all__ = ["DepositRef", "Discrepancy", "Match", "PayoutRef", "match_payouts"]
