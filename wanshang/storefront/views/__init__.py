"""Storefront pages, split by concept: catalog (browse), cart, checkout (and the cashier), orders."""
