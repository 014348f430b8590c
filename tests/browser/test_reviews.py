"""Reviews in a real browser: a buyer with a received order reviews a line with a photo (the preview shows before
sending), the review appears on the product page with its picture, and the shop's DSR moves; the seller's
评价管理 and the platform's 评价审核 pages render; the product page's reviews at phone width."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def received_order(buyer, address, shop, sku):
    import uuid

    from wanshang.checkout.services import checkout_submit
    from wanshang.orders.services import order_confirm_receipt, order_ship
    from wanshang.payments.services import sandbox_pay

    payment = checkout_submit(
        user=buyer,
        items=[(sku.pk, 1)],
        address_id=address.pk,
        idempotency_key=uuid.uuid4().hex,
        from_cart=False,
    )
    order = payment.orders.get()
    sandbox_pay(buyer=buyer, payment_no=payment.no)
    order_ship(shop=shop, order_id=order.pk, carrier="SF", tracking_no="SF1234567890", actor=shop.owner)
    order_confirm_receipt(buyer=buyer, order_id=order.pk)
    return order


def photo(path):
    from PIL import Image

    Image.new("RGB", (480, 360), (30, 120, 200)).save(path, "JPEG")
    return str(path)


def test_buyer_reviews_with_a_photo_it_shows_on_the_product_page_and_the_dsr_moves(
    new_page, login, shot, make_shop, make_product, make_user, make_address, operator, tmp_path
):
    from wanshang.reviews.selectors import product_review_list
    from wanshang.reviews.services import review_create, review_report

    shop = make_shop(name="青禾服饰旗舰店")
    dress = make_product(shop, title="法式复古碎花连衣裙", prices=(15900,), stock=10)
    earlier = make_user()
    first = received_order(earlier, make_address(earlier), shop, dress.skus.get())
    review_create(
        buyer=earlier,
        line_id=first.lines.get().pk,
        stars=3,
        text="一般般，有线头",
        dsr={"description": 3, "service": 3, "logistics": 3},
    )
    buyer = make_user(nickname="小明同学")
    order = received_order(buyer, make_address(buyer, is_default=True), shop, dress.skus.get())

    page = new_page()
    page.goto(f"/shop/{shop.slug}/")
    expect(page.locator("[data-dsr]").first).to_contain_text("3.00")

    login(page, buyer)
    page.goto(f"/orders/{order.pk}/")
    page.locator(".order-line-actions").get_by_role("link", name="评价", exact=True).click()
    expect(page.get_by_role("heading", name="发表评价")).to_be_visible()
    page.locator("fieldset").filter(has_text="商品评分").locator("label[title='5']").click()
    page.get_by_label("评价内容").fill("面料很舒服，颜色和图片一样，好评！")
    page.locator("input[name=images]").set_input_files(photo(tmp_path / "dress.jpg"))
    expect(page.locator(".review-previews img")).to_have_count(1)  # the preview before sending
    page.get_by_label("匿名评价").check()
    for legend in ("描述相符", "服务态度", "物流服务"):
        page.locator("fieldset").filter(has_text=legend).locator("label[title='5']").click()
    shot(page, "-form")
    page.get_by_role("button", name="发布评价").click()

    expect(page).to_have_url(re.compile(rf"/orders/{order.pk}/$"))
    expect(page.locator(".message")).to_contain_text("评价已发布")
    expect(page.locator(".order-line-actions")).to_contain_text("追加评价")

    page.goto(f"/p/{dress.pk}/")
    reviews = page.locator("#reviews")
    expect(reviews).to_contain_text("面料很舒服")
    expect(reviews).to_contain_text("小***学")  # anonymous
    expect(reviews.locator(".review-images img")).to_have_count(1)
    expect(reviews.locator(".review-summary")).to_contain_text("50.0%")  # 1 of 2 reviews is 4–5 stars
    reviews.get_by_role("tab", name=re.compile("有图")).click()  # htmx swaps the list in place
    expect(reviews.locator("article.review")).to_have_count(1)
    expect(reviews.locator("article.review")).to_contain_text("面料很舒服")
    shot(page, "-product")

    page.goto(f"/shop/{shop.slug}/")
    expect(page.locator("[data-dsr]").first).to_contain_text("4.00")  # (3 + 5) / 2: the DSR moved
    shot(page, "-shop")
    assert not page.js_errors

    # the seller's 评价管理: the DSR card, the trend chart, reply
    seller = new_page()
    login(seller, shop.owner)
    seller.goto("/seller/reviews/")
    expect(seller.get_by_role("heading", name="评价管理")).to_be_visible()
    expect(seller.locator("[data-dsr='description']")).to_contain_text("4.00")
    expect(seller.locator("[data-echarts='dsr-chart'] svg")).to_have_count(1)
    card = seller.locator("article.review-row").filter(has_text="面料很舒服")
    card.get_by_label("回复内容").fill("感谢亲的支持！")
    card.get_by_role("button", name="回复").click()
    expect(seller.locator("article.review-row").filter(has_text="面料很舒服")).to_contain_text("感谢亲的支持")
    shot(seller, "-seller")
    seller.goto("/seller/data/service/")
    expect(seller.locator("[data-testid='review-totals']")).to_contain_text("50.0%")
    expect(seller.locator("[data-echarts='dsr-chart'] svg")).to_have_count(1)
    shot(seller, "-datacenter")
    assert not seller.js_errors

    # the platform's 评价审核 with a report
    bad = product_review_list(product_id=dress.pk, kind="mid")[0]
    review_report(shop=shop, actor=shop.owner, review_id=bad.pk, reason="买家评价与商品无关")
    op = new_page()
    login(op, operator)
    op.goto("/platform/reviews/")
    expect(op.locator(".review-mod")).to_contain_text("买家评价与商品无关")
    shot(op, "-platform")

    # phone width
    phone = new_page(viewport={"width": 390, "height": 844}, is_mobile=True)
    phone.goto(f"/p/{dress.pk}/#reviews")
    expect(phone.locator("#reviews")).to_contain_text("面料很舒服")
    shot(phone, "-phone")
    assert not phone.js_errors
