"""The product form shows copywriting's title checks under the title: live as the seller types and after
saving, as warnings that never block the save."""

import pytest

from wanshang.sellercenter.tests.conftest import FOUR_ROWS, matrix_post

pytestmark = pytest.mark.django_db


def test_the_product_form_shows_title_warnings_live_and_after_saving(owner_client, shop):
    live = owner_client.get("/seller/copy/titles/live/", {"title": "连衣裙 连衣裙"})
    assert (
        live.status_code == 200 and "重复" in live.content.decode() and "不影响保存" in live.content.decode()
    )
    assert owner_client.get("/seller/copy/titles/live/", {"title": ""}).content.decode().strip() == ""

    response = owner_client.post(
        "/seller/products/new/",
        matrix_post(title="连衣裙 连衣裙 连衣裙", category_id=shop.test_category.pk, rows=FOUR_ROWS),
        follow=True,
    )
    body = response.content.decode()
    assert response.status_code == 200 and "商品已创建" in body  # saved all the same
    assert "标题有待改进之处" in body and "“连衣裙”3 次" in body
    assert 'id="title-check"' in body
