"""Checkout test helpers: the buyer, their address and a placing helper are the orders app's fixtures."""

from wanshang.orders.tests import conftest as orders_fixtures

# Reused (assigned rather than imported by name, so that a test argument of the same name does not read as a
# redefinition to ruff): shop → an approved shop; address → the buyer's address in 北京朝阳 (110105);
# place(buyer, address, [(sku_id, qty)], key=None) → checkout_submit(from_cart=False).
shop = orders_fixtures.shop
address = orders_fixtures.address
place = orders_fixtures.place
