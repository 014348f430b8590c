"""Checkout test helpers. shop, address (北京朝阳, 110105) and place(buyer, address, [(sku_id, qty)], key=None)
come from the shared fixtures (wanshang/common/tests/fixtures.py)."""
