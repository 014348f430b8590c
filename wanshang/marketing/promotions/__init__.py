"""Promotions (Promotion, PromotionItem): the kinds registry with each kind's rules and place in the stacking
policy (`kinds.py`); set-up, edit before the start, pause, resume and end (`services.py`); the seller center's
and the platform's reads and the price-rule preview (`selectors.py`); what buyers see of promotions on lists
and the product page (`storefront.py`).
"""
