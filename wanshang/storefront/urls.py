from django.urls import path

from wanshang.storefront.views import beacon, cart, catalog, checkout, favourites, orders, privacy, promotions

app_name = "storefront"

urlpatterns = [
    path("", catalog.home, name="home"),
    path("categories/", catalog.categories, name="categories"),
    path("c/<slug:slug>/", catalog.category, name="category"),
    path("search/", catalog.search, name="search"),
    path("shop/<slug:slug>/", catalog.shop, name="shop"),
    path("p/<int:product_id>/", catalog.product, name="product"),
    path("cart/", cart.cart, name="cart"),
    path("cart/add/", cart.cart_add, name="cart_add"),
    path("cart/update/", cart.cart_update, name="cart_update"),
    path("cart/remove/", cart.cart_remove, name="cart_remove"),
    path("cart/select/", cart.cart_select, name="cart_select"),
    path("cart/bundle/", promotions.bundle_add, name="bundle_add"),
    path("coupons/", promotions.coupon_center, name="coupon_center"),
    path("coupons/claim/", promotions.coupon_claim, name="coupon_claim"),
    path("flash/", promotions.flash_board, name="flash_board"),
    path("flash/buy/", promotions.flash_buy, name="flash_buy"),
    path("group/buy/", promotions.group_buy, name="group_buy"),
    path("group/<int:team_id>/", promotions.group_team, name="group_team"),
    path("me/coupons/", promotions.my_coupons, name="my_coupons"),
    path("me/points/", promotions.my_points, name="my_points"),
    path("me/favourites/", favourites.my_favourites, name="my_favourites"),
    path("me/favourites/toggle/", favourites.favourite_toggle, name="favourite_toggle"),
    path("me/privacy/", privacy.my_privacy, name="my_privacy"),
    path("me/privacy/delete-events/", privacy.events_delete, name="privacy_events_delete"),
    path("t/stay/", beacon.stay_beacon, name="stay_beacon"),
    path("checkout/", checkout.checkout, name="checkout"),
    path("pay/<str:payment_no>/", checkout.cashier, name="cashier"),
    path("pay/<str:payment_no>/sandbox/", checkout.pay_sandbox, name="pay_sandbox"),
    path("pay/<str:payment_no>/start/", checkout.pay_start, name="pay_start"),
    path("pay/<str:payment_no>/status/", checkout.pay_status, name="pay_status"),
    path("pay/<str:payment_no>/done/", checkout.pay_done, name="pay_done"),
    path("orders/", orders.order_list, name="orders"),
    path("orders/<int:order_id>/", orders.order_detail, name="order_detail"),
    path("orders/<int:order_id>/cancel/", orders.order_cancel_view, name="order_cancel"),
    path("orders/<int:order_id>/confirm/", orders.order_confirm_view, name="order_confirm"),
    path("orders/<int:order_id>/refund/", orders.order_refund_view, name="order_refund"),
    path(
        "orders/<int:order_id>/refund/withdraw/",
        orders.order_refund_withdraw_view,
        name="order_refund_withdraw",
    ),
]
