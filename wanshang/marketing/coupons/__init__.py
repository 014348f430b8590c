"""Coupons (优惠券): claiming and issuing them (定向发放), using and giving them back with orders
(`services.py`); the coupon center and the coupons a buyer holds (`selectors.py`). A coupon's rules are
those of its promotion (`promotions/kinds.py`); what it takes off a cart is the shop/platform pricing step.
"""
