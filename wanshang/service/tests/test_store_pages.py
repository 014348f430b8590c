"""The buyer's pages: 联系客服 from the product, order, case and shop pages starts one conversation with its card."""

import pytest

from wanshang.service.models import Conversation, Message

pytestmark = pytest.mark.django_db


def test_contact_buttons_and_chat_page(client, buyer, shop, make_product):
    product = make_product(shop)
    page = client.get(f"/p/{product.pk}/")
    assert f"/service/start/?shop={shop.pk}&amp;product={product.pk}" in page.content.decode()
    assert f"/service/start/?shop={shop.pk}" in client.get(f"/shop/{shop.slug}/").content.decode()
    r = client.get(f"/service/start/?shop={shop.pk}&product={product.pk}")
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]
    client.force_login(buyer)
    r = client.get(f"/service/start/?shop={shop.pk}&product={product.pk}")
    conv = Conversation.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/service/c/{conv.pk}/"
    client.get(f"/service/start/?shop={shop.pk}&product={product.pk}")
    assert Conversation.objects.count() == 1
    assert Message.objects.filter(kind="product").count() == 1
    page = client.get(f"/service/c/{conv.pk}/")
    assert page.status_code == 200 and 'data-testid="buyer-chat"' in page.content.decode()
    listing = client.get("/service/")
    assert shop.name in listing.content.decode()


def test_someone_elses_chat_page_is_404_and_bad_links_400(client, buyer, make_user, shop):
    client.force_login(buyer)
    client.get(f"/service/start/?shop={shop.pk}")
    conv = Conversation.objects.get()
    client.force_login(make_user())
    assert client.get(f"/service/c/{conv.pk}/").status_code == 404
    r = client.get("/service/start/?shop=abc")
    assert r.status_code == 400 and "链接参数有误" in r.content.decode()
    assert client.get("/service/start/?shop=999999").status_code == 404
    assert Conversation.objects.count() == 1
