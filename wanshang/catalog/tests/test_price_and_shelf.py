"""Quick price edits, 上架/下架 transitions, and the listing cache version every public list is keyed on."""

import pytest

from wanshang.catalog.selectors import listing_version, price_history, product_search
from wanshang.catalog.services import listings_changed, product_save, product_set_status, sku_price_update
from wanshang.common.errors import Conflict, NotFound, PermissionDenied, ValidationError

pytestmark = pytest.mark.django_db


def _status(product):
    product.refresh_from_db()
    return product.status


# --- sku_price_update -------------------------------------------------------------------------------------


def test_sku_price_update_changes_the_price_the_list_price_and_the_history(shop, make_product):
    # given a product of two SKUs at ¥99 and ¥120
    product = make_product(shop, prices=(9900, 12000))
    sku = product.skus.get(price_fen=9900)

    # when the cheaper one goes up to ¥150 with a ¥199 original price
    sku_price_update(staff=shop.owner_staff, sku_id=sku.pk, price_fen=15000, original_price_fen=19900)

    # then the SKU, the product's lowest price and the history all say so
    sku.refresh_from_db()
    product.refresh_from_db()
    assert (sku.price_fen, sku.original_price_fen) == (15000, 19900)
    assert product.min_price_fen == 12000
    latest = price_history(shop=shop, sku_id=sku.pk)[0]
    assert (latest.price_fen, latest.original_price_fen, latest.old_price_fen) == (15000, 19900, 9900)


def test_sku_price_update_to_the_same_price_writes_no_history(shop, make_product):
    # given a SKU at ¥99 with its first history row
    sku = make_product(shop, prices=(9900,)).skus.get()

    # when "changed" to ¥99
    sku_price_update(staff=shop.owner_staff, sku_id=sku.pk, price_fen=9900)

    # then there is still only the first row
    assert len(price_history(shop=shop, sku_id=sku.pk)) == 1


@pytest.mark.parametrize(
    "price, original", [(0, None), (-100, None), (99.9, None), (9900, 9900), (9900, 100)]
)
def test_sku_price_update_refuses_bad_prices(shop, make_product, price, original):
    sku = make_product(shop, prices=(9900,)).skus.get()
    with pytest.raises(ValidationError):
        sku_price_update(staff=shop.owner_staff, sku_id=sku.pk, price_fen=price, original_price_fen=original)
    sku.refresh_from_db()
    assert sku.price_fen == 9900 and len(price_history(shop=shop, sku_id=sku.pk)) == 1


def test_sku_price_update_refuses_a_role_without_the_price_permission(
    shop, make_product, make_staff, staff_of
):
    # given a warehouse member of staff
    sku = make_product(shop, prices=(9900,)).skus.get()
    staff = staff_of(make_staff(shop, "warehouse"))

    # when they change a price, then it is refused and unchanged
    with pytest.raises(PermissionDenied):
        sku_price_update(staff=staff, sku_id=sku.pk, price_fen=100)
    sku.refresh_from_db()
    assert sku.price_fen == 9900


def test_sku_price_update_cannot_reach_another_shops_or_an_inactive_sku(
    shop, make_shop, make_product, product_input
):
    # given another shop's SKU, and one of this shop's SKUs dropped from its matrix
    theirs = make_product(make_shop(), prices=(9900,)).skus.get()
    axes = [("颜色", ["红色", "黑色"])]
    mine = product_save(
        staff=shop.owner_staff, data=product_input(matrix={"红色": 9900, "黑色": 9900}, axes=axes)
    )
    product_save(
        staff=shop.owner_staff,
        product_id=mine.pk,
        data=product_input(matrix={"红色": 9900}, axes=[("颜色", ["红色"])]),
    )
    dropped = mine.skus.get(spec_key="黑色")

    # when this shop's owner changes their prices, then both are not found and unchanged
    for sku in (theirs, dropped):
        with pytest.raises(NotFound):
            sku_price_update(staff=shop.owner_staff, sku_id=sku.pk, price_fen=100)
        sku.refresh_from_db()
        assert sku.price_fen == 9900


# --- product_set_status -------------------------------------------------------------------------------------


def test_product_set_status_puts_a_draft_on_sale(shop, make_product):
    # given a draft
    draft = make_product(shop, on_sale=False)
    assert draft.status == "draft"

    # when put on sale
    changed = product_set_status(staff=shop.owner_staff, product_ids=[draft.pk], status="on_sale")

    # then it is on sale and buyers find it
    assert changed == 1 and _status(draft) == "on_sale"
    assert draft in product_search()


def test_product_set_status_takes_off_the_shelf_and_puts_back(shop, make_product):
    # given a product on sale
    product = make_product(shop)

    # when taken off the shelf, buyers no longer find it; when put back, they do again
    product_set_status(staff=shop.owner_staff, product_ids=[product.pk], status="off_shelf")
    assert _status(product) == "off_shelf" and product not in product_search()
    product_set_status(staff=shop.owner_staff, product_ids=[str(product.pk)], status="on_sale")
    assert _status(product) == "on_sale" and product in product_search()


def test_product_set_status_refuses_a_draft_going_off_the_shelf(shop, make_product):
    # given a draft (never on sale)
    draft = make_product(shop, on_sale=False)

    # when taken "off the shelf", then refused naming the product
    with pytest.raises(Conflict, match=draft.title):
        product_set_status(staff=shop.owner_staff, product_ids=[draft.pk], status="off_shelf")
    assert _status(draft) == "draft"


def test_a_refused_transition_refuses_the_whole_batch(shop, make_product):
    # given two products on sale and a draft
    on_sale = [make_product(shop), make_product(shop)]
    draft = make_product(shop, on_sale=False)

    # when all three are taken off the shelf together
    with pytest.raises(Conflict):
        product_set_status(
            staff=shop.owner_staff, product_ids=[p.pk for p in [*on_sale, draft]], status="off_shelf"
        )

    # then none changed
    assert [_status(p) for p in on_sale] == ["on_sale", "on_sale"] and _status(draft) == "draft"


def test_product_set_status_counts_only_products_that_changed(shop, make_product):
    # given one product already off the shelf and one on sale
    off, on = make_product(shop), make_product(shop)
    product_set_status(staff=shop.owner_staff, product_ids=[off.pk], status="off_shelf")

    # when both are taken off (one id repeated)
    changed = product_set_status(
        staff=shop.owner_staff, product_ids=[off.pk, on.pk, on.pk], status="off_shelf"
    )

    # then one changed and both are off
    assert changed == 1 and {_status(off), _status(on)} == {"off_shelf"}


def test_product_set_status_refuses_a_product_without_an_active_sku(shop, make_product):
    # given an off-shelf product whose every SKU was deactivated
    from wanshang.catalog.models import Sku

    product = make_product(shop)
    product_set_status(staff=shop.owner_staff, product_ids=[product.pk], status="off_shelf")
    Sku.objects.filter(product=product).update(is_active=False)

    # when put on sale, then refused
    with pytest.raises(Conflict, match="没有可售 SKU"):
        product_set_status(staff=shop.owner_staff, product_ids=[product.pk], status="on_sale")
    assert _status(product) == "off_shelf"


def test_product_set_status_with_another_shops_product_refuses_the_batch(shop, make_shop, make_product):
    # given this shop's product and another shop's
    mine, theirs = make_product(shop), make_product(make_shop())

    # when this shop takes both off the shelf
    with pytest.raises(NotFound):
        product_set_status(staff=shop.owner_staff, product_ids=[mine.pk, theirs.pk], status="off_shelf")

    # then neither changed
    assert (_status(mine), _status(theirs)) == ("on_sale", "on_sale")


@pytest.mark.parametrize(
    "ids, status, field",
    [
        ([], "off_shelf", "product_ids"),
        (["abc"], "off_shelf", "product_ids"),
        ([None], "off_shelf", "product_ids"),
        ([1], "draft", "status"),
        ([1], "deleted", "status"),
    ],
)
def test_product_set_status_refuses_bad_input(shop, ids, status, field):
    with pytest.raises(ValidationError) as exc:
        product_set_status(staff=shop.owner_staff, product_ids=ids, status=status)
    assert exc.value.field == field


def test_product_set_status_refuses_a_role_without_the_product_permission(
    shop, make_product, make_staff, staff_of
):
    product = make_product(shop)
    staff = staff_of(make_staff(shop, "service"))
    with pytest.raises(PermissionDenied):
        product_set_status(staff=staff, product_ids=[product.pk], status="off_shelf")
    assert _status(product) == "on_sale"


# --- listings_changed: the listing cache version --------------------------------------------------------------


def test_listings_changed_bumps_the_version_now_and_again_after_commit(
    db, django_capture_on_commit_callbacks
):
    # given the current version
    v0 = listing_version()

    # when listings change inside a transaction
    with django_capture_on_commit_callbacks(execute=True):
        listings_changed()
        v1 = listing_version()

    # then it moved at once (this transaction's readers) and again after commit (readers that cached meanwhile)
    assert v0 < v1 < listing_version()


@pytest.mark.parametrize("change", ["save", "price", "status"])
def test_product_writes_bump_the_listing_version(shop, make_product, product_input, change):
    # given a product on sale and the current version
    product = make_product(shop)
    sku = product.skus.get()
    before = listing_version()

    # when it is edited, repriced or taken off the shelf
    if change == "save":
        product_save(staff=shop.owner_staff, product_id=product.pk, data=product_input(title="新标题"))
    elif change == "price":
        sku_price_update(staff=shop.owner_staff, sku_id=sku.pk, price_fen=8800)
    else:
        product_set_status(staff=shop.owner_staff, product_ids=[product.pk], status="off_shelf")

    # then cached lists are stale
    assert listing_version() > before


def test_refused_writes_leave_the_listing_version_alone(shop, make_product, product_input):
    # given a product on sale and the current version
    product = make_product(shop)
    draft = make_product(shop, on_sale=False)
    before = listing_version()

    # when a save, a price change and a batch status change are all refused
    with pytest.raises(ValidationError):
        product_save(staff=shop.owner_staff, product_id=product.pk, data=product_input(title="x"))
    with pytest.raises(ValidationError):
        sku_price_update(staff=shop.owner_staff, sku_id=product.skus.get().pk, price_fen=0)
    with pytest.raises(Conflict):
        product_set_status(staff=shop.owner_staff, product_ids=[product.pk, draft.pk], status="off_shelf")

    # then the version did not move
    assert listing_version() == before


def test_a_price_update_to_the_same_price_leaves_the_listing_version_alone(shop, make_product):
    sku = make_product(shop, prices=(9900,)).skus.get()
    before = listing_version()
    sku_price_update(staff=shop.owner_staff, sku_id=sku.pk, price_fen=9900)
    assert listing_version() == before
