"""Catalog test helpers. Products are written through `product_save`, never through the models."""

import pytest

from wanshang.merchants.tests import conftest as merchants_fixtures

# Fixtures of other apps' conftests, reused (assigned rather than imported by name, so that a test argument
# of the same name does not read as a redefinition to ruff).
make_staff = merchants_fixtures.make_staff


@pytest.fixture
def product_input(shop):
    """product_input(matrix={"红色/M": 9900, …}, axes=[("颜色", ["红色"]), …], **fields) → a ProductInput for
    `shop`'s test category. Without `matrix`, one default SKU at ¥99.00 with 10 in stock."""
    from wanshang.catalog.services import ProductInput, SkuInput

    def build(matrix=None, axes=(), stock=10, **fields):
        if matrix is None:
            skus = [SkuInput(spec_values=[], price_fen=9900, stock=stock)]
        else:
            skus = [
                SkuInput(spec_values=key.split("/"), price_fen=price, stock=stock)
                for key, price in matrix.items()
            ]
        fields.setdefault("title", "纯棉圆领T恤")
        fields.setdefault("category_id", shop.test_category.pk)
        return ProductInput(skus=skus, spec_axes=[{"name": n, "values": list(v)} for n, v in axes], **fields)

    return build


@pytest.fixture
def staff_of():
    """staff_of(user) → the user's active ShopStaff (what the seller center passes to catalog services)."""
    from wanshang.merchants.selectors import staff_for_user

    def get(user):
        return staff_for_user(user=user)

    return get
