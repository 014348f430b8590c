"""Marketing (营销): promotions of every kind, coupons, flash sales, group buys, points and member levels.

Other apps and the faces call `services.py` (writes) and `selectors.py` (reads), import shared names from
`types.py` and read `models.py`; import-linter keeps them out of the rest. Inside, by concept:
`promotions/` (kinds registry, set-up, reads), `coupons/`, `flash/`, `groupbuy/`, `loyalty/` (points, member
levels), `steps/` (the pricing-pipeline steps), `lifecycle.py` (what an order does to promotions of several
kinds), `subscribers.py` (order events) and `tasks.py` (jobs).
"""
