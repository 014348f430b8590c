"""Loyalty: the points ledger (earn, redeem, give back) and shop member levels (`services.py`); balances, entries
and levels (`selectors.py`). Member prices themselves are a promotion kind, priced by the item step.
"""
