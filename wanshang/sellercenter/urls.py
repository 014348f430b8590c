from django.urls import include, path

from wanshang.sellercenter.views import (
    aftersales,
    freight,
    home,
    inventory,
    marketing,
    orders,
    products,
    reviews,
    shipping,
    shop,
    stockplan,
    stores,
)

app_name = "sellercenter"

urlpatterns = [
    path("", home.dashboard, name="dashboard"),
    path("apply/", home.apply, name="apply"),
    path("apply/status/", home.apply_status, name="apply_status"),
    path("regions/", home.regions, name="regions"),
    # 商品
    path("products/", products.product_list, name="product_list"),
    path("products/new/", products.product_create, name="product_create"),
    path("products/status/", products.product_bulk_status, name="product_bulk_status"),
    path("products/attributes/", products.product_attributes, name="product_attributes"),
    path("products/<int:product_id>/", products.product_edit, name="product_edit"),
    path("skus/<int:sku_id>/prices/", products.sku_prices, name="sku_prices"),
    # 库存与仓库
    path("stock/", inventory.stock_list, name="stock_list"),
    path("stock/adjust/", inventory.stock_adjust_page, name="stock_adjust"),
    path("stock/low/", inventory.low_stock, name="low_stock"),
    path("stock/movements/", inventory.movements, name="movements"),
    path("stock/plan/", stockplan.stock_plan_view, name="stock_plan"),
    path("stock/plan/export/", stockplan.stock_plan_export, name="stock_plan_export"),
    path("stock/plan/settings/", stockplan.plan_settings_view, name="plan_settings"),
    path("stock/plan/skus/<int:sku_id>/", stockplan.sku_plan_view, name="sku_plan"),
    path("stock/receipts/", stockplan.receipt_list_view, name="receipt_list"),
    path("stock/receipts/new/", stockplan.receipt_create_view, name="receipt_create"),
    path("stock/receipts/<int:receipt_id>/", stockplan.receipt_detail_view, name="receipt_detail"),
    path("stock/receipts/<int:receipt_id>/submit/", stockplan.receipt_submit_view, name="receipt_submit"),
    path("stock/receipts/<int:receipt_id>/cancel/", stockplan.receipt_cancel_view, name="receipt_cancel"),
    path("stock/receipts/<int:receipt_id>/receive/", stockplan.receipt_receive_view, name="receipt_receive"),
    path("warehouses/", inventory.warehouse_list_view, name="warehouse_list"),
    path("warehouses/new/", inventory.warehouse_create_view, name="warehouse_create"),
    path("warehouses/<int:warehouse_id>/", inventory.warehouse_edit, name="warehouse_edit"),
    path("warehouses/<int:warehouse_id>/default/", inventory.warehouse_default, name="warehouse_default"),
    # 订单与退款
    path("orders/", orders.order_list, name="order_list"),
    path("orders/<int:order_id>/", orders.order_detail, name="order_detail"),
    path("orders/<int:order_id>/ship/", orders.order_ship_view, name="order_ship"),
    # 发货与物流
    path("orders/<int:order_id>/packages/", shipping.ship_page, name="ship_page"),
    path("shipping/", shipping.shipment_list, name="shipments"),
    path("shipping/labels.pdf", shipping.labels_pdf, name="shipping_labels"),
    path("shipping/batch/", shipping.batch, name="shipping_batch"),
    path("shipping/batch/action/", shipping.batch_action, name="shipping_batch_action"),
    path("shipping/import/", shipping.batch_import, name="shipping_import"),
    path("shipping/import/template.xlsx", shipping.import_template_view, name="shipping_template"),
    path("shipping/picklist/", shipping.pick_list_view, name="pick_list"),
    path("shipping/account/", shipping.account_view, name="shipping_account"),
    path("shipping/alerts/", shipping.alert_list, name="shipping_alerts"),
    path(
        "shipping/alerts/<int:alert_id>/resolve/", shipping.alert_resolve_view, name="shipping_alert_resolve"
    ),
    path("refunds/", orders.refund_list, name="refund_list"),
    path("refunds/<int:refund_id>/", orders.refund_detail, name="refund_detail"),
    path("refunds/<int:refund_id>/approve/", orders.refund_approve_view, name="refund_approve"),
    path("refunds/<int:refund_id>/reject/", orders.refund_reject_view, name="refund_reject"),
    # 门店与到店自提
    path("stores/", stores.store_list_view, name="store_list"),
    path("stores/new/", stores.store_create_view, name="store_create"),
    path("stores/<int:store_id>/", stores.store_edit_view, name="store_edit"),
    path("pickup/verify/", stores.pickup_verify_view, name="pickup_verify"),
    # 评价管理
    path("reviews/", reviews.review_list, name="review_list"),
    path("reviews/<int:review_id>/reply/", reviews.review_reply_view, name="review_reply"),
    path("reviews/<int:review_id>/report/", reviews.review_report_view, name="review_report"),
    # 售后
    path("aftersales/", aftersales.case_list, name="case_list"),
    path("aftersales/bulk-approve/", aftersales.case_bulk_approve, name="case_bulk_approve"),
    path("aftersales/<int:case_id>/", aftersales.case_detail, name="case_detail"),
    path("aftersales/<int:case_id>/approve/", aftersales.case_approve_view, name="case_approve"),
    path("aftersales/<int:case_id>/reject/", aftersales.case_reject_view, name="case_reject"),
    path("aftersales/<int:case_id>/receive/", aftersales.case_receive_view, name="case_receive"),
    path("aftersales/<int:case_id>/reship/", aftersales.case_reship_view, name="case_reship"),
    path("aftersales/<int:case_id>/messages/", aftersales.case_message_view, name="case_message"),
    path("aftersales/addresses/", aftersales.return_addresses, name="return_addresses"),
    path("aftersales/addresses/new/", aftersales.return_address_edit, name="return_address_create"),
    path(
        "aftersales/addresses/<int:address_id>/", aftersales.return_address_edit, name="return_address_edit"
    ),
    path(
        "aftersales/addresses/<int:address_id>/delete/",
        aftersales.return_address_remove,
        name="return_address_delete",
    ),
    # 运费模板
    path("freight/", freight.freight_list, name="freight_list"),
    path("freight/new/", freight.freight_create, name="freight_create"),
    path("freight/<int:template_id>/", freight.freight_edit, name="freight_edit"),
    path("freight/<int:template_id>/delete/", freight.freight_delete, name="freight_delete"),
    # 营销中心
    path("marketing/", marketing.marketing, name="marketing"),
    path("marketing/new/<str:kind>/", marketing.promotion_create, name="promotion_create"),
    path("marketing/skus/", marketing.promotion_skus, name="promotion_skus"),
    path("marketing/levels/", marketing.member_levels_view, name="member_levels"),
    path("marketing/alerts/", marketing.price_alerts_view, name="price_alerts"),
    path(
        "marketing/alerts/<int:alert_id>/resolve/",
        marketing.price_alert_resolve_view,
        name="price_alert_resolve",
    ),
    path("marketing/<int:promotion_id>/", marketing.promotion_detail, name="promotion_detail"),
    path("marketing/<int:promotion_id>/edit/", marketing.promotion_edit, name="promotion_edit"),
    path("marketing/<int:promotion_id>/pause/", marketing.promotion_pause_view, name="promotion_pause"),
    path("marketing/<int:promotion_id>/resume/", marketing.promotion_resume_view, name="promotion_resume"),
    path("marketing/<int:promotion_id>/end/", marketing.promotion_end_view, name="promotion_end"),
    path("marketing/<int:promotion_id>/issue/", marketing.coupon_issue_view, name="coupon_issue"),
    # 数据中心 (one module per area, each with its own urlpatterns: see datacenter/urls.py)
    path("data/", include("wanshang.sellercenter.datacenter.urls")),
    # 店铺
    path("settings/", shop.shop_settings, name="shop_settings"),
    path("staff/", shop.staff_page, name="staff_list"),
    path("staff/<int:staff_id>/role/", shop.staff_role, name="staff_role"),
    path("staff/<int:staff_id>/remove/", shop.staff_delete, name="staff_remove"),
    path("settlements/", shop.settlements, name="settlements"),
]
