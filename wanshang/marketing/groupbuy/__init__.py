"""Group buys (拼团): teams and their members, joining with an order, completion as members pay, and expiry
(`services.py`); the group item, teams and the failed teams' orders to refund (`selectors.py`).
"""
