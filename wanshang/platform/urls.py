from django.urls import include, path, re_path

from wanshang.platform.views import (
    adlaw,
    ads,
    affiliates,
    aftersales,
    catalog,
    compliance,
    flash,
    health,
    imagechecks,
    marketing,
    merchants,
    orders,
    overview,
    reviews,
    search,
)

app_name = "platform"
urlpatterns = [
    path("", overview.overview, name="overview"),
    # 入驻审核
    path("applications/", merchants.application_index, name="applications"),
    path("applications/<int:application_id>/", merchants.application_detail, name="application_detail"),
    path(
        "applications/<int:application_id>/approve/",
        merchants.application_approve_view,
        name="application_approve",
    ),
    path(
        "applications/<int:application_id>/reject/",
        merchants.application_reject_view,
        name="application_reject",
    ),
    # 店铺
    path("shops/", merchants.shop_index, name="shops"),
    path("shops/<int:shop_id>/", merchants.shop_detail, name="shop_detail"),
    path("shops/<int:shop_id>/suspend/", merchants.shop_suspend_view, name="shop_suspend"),
    path("shops/<int:shop_id>/restore/", merchants.shop_restore_view, name="shop_restore"),
    # 类目、属性模板、品牌、佣金
    path("categories/", catalog.category_index, name="categories"),
    path("categories/new/", catalog.category_new, name="category_new"),
    path("categories/<int:category_id>/edit/", catalog.category_edit, name="category_edit"),
    path("categories/<int:category_id>/attributes/", catalog.attribute_index, name="attributes"),
    path(
        "categories/<int:category_id>/attributes/<int:template_id>/edit/",
        catalog.attribute_edit,
        name="attribute_edit",
    ),
    path(
        "categories/<int:category_id>/attributes/<int:template_id>/delete/",
        catalog.attribute_delete,
        name="attribute_delete",
    ),
    path("brands/", catalog.brand_index, name="brands"),
    path("search/", search.search_index, name="search"),
    path("search/synonyms/<int:synonym_id>/delete/", search.synonym_remove, name="synonym_delete"),
    path("commission/", catalog.commission_index, name="commission"),
    # 评价审核
    path("affiliates/", affiliates.affiliate_promoters, name="affiliate_promoters"),
    path(
        "affiliates/<int:promoter_id>/review/",
        affiliates.affiliate_promoter_review,
        name="affiliate_promoter_review",
    ),
    path("affiliates/withdrawals/", affiliates.affiliate_withdrawals, name="affiliate_withdrawals"),
    path(
        "affiliates/withdrawals/<int:withdrawal_id>/review/",
        affiliates.affiliate_withdrawal_review,
        name="affiliate_withdrawal_review",
    ),
    path("health/", health.health_shops, name="health"),
    path("health/items/", health.health_items, name="health_items"),
    path("health/items/<int:item_id>/verify/", health.health_item_verify, name="health_item_verify"),
    path("health/appeals/", health.health_appeals, name="health_appeals"),
    path("health/appeals/<int:appeal_id>/decide/", health.health_appeal_decide, name="health_appeal_decide"),
    path("health/rules/", health.health_rules, name="health_rules"),
    path("health/rules/<int:rule_id>/", health.health_rule_acks, name="health_rule_acks"),
    path("reviews/", reviews.review_queue, name="reviews"),
    path("reviews/reports/<int:report_id>/decide/", reviews.report_decide_view, name="review_report_decide"),
    path("reviews/<int:review_id>/moderate/", reviews.review_moderate_view, name="review_moderate"),
    # 平台券
    path("coupons/", marketing.coupon_index, name="coupons"),
    path("coupons/new/", marketing.coupon_new, name="coupon_new"),
    path("coupons/<int:promotion_id>/", marketing.coupon_detail, name="coupon_detail"),
    path("coupons/<int:promotion_id>/edit/", marketing.coupon_edit, name="coupon_edit"),
    path("coupons/<int:promotion_id>/issue/", marketing.coupon_issue_view, name="coupon_issue"),
    re_path(
        r"^coupons/(?P<promotion_id>[0-9]+)/(?P<action>pause|resume|end)/$",
        marketing.coupon_action,
        name="coupon_action",
    ),
    # 秒杀场次
    path("flash-slots/", flash.slot_index, name="flash_slots"),
    path("flash-slots/<int:slot_id>/", flash.slot_detail, name="flash_slot_detail"),
    path(
        "flash-slots/<int:slot_id>/promotions/<int:promotion_id>/remove/",
        flash.slot_remove_promotion,
        name="flash_slot_remove",
    ),
    re_path(
        r"^flash-slots/(?P<slot_id>[0-9]+)/(?P<action>open|close)/$",
        flash.slot_toggle,
        name="flash_slot_toggle",
    ),
    # 价格合规
    path("images/duplicates/", imagechecks.duplicate_index, name="image_duplicates"),
    path(
        "images/duplicates/<int:duplicate_id>/decide/",
        imagechecks.duplicate_decide_view,
        name="image_duplicate_decide",
    ),
    path("images/declarations/", imagechecks.declaration_index, name="image_declarations"),
    path(
        "images/declarations/<int:declaration_id>/review/",
        imagechecks.declaration_review_view,
        name="image_declaration_review",
    ),
    path(
        "images/declarations/<int:declaration_id>/file/",
        imagechecks.declaration_file_view,
        name="image_declaration_file",
    ),
    path("price-alerts/", compliance.alert_index, name="price_alerts"),
    path("adlaw/terms/", adlaw.term_index, name="adlaw_terms"),
    path("adlaw/terms/new/", adlaw.term_edit, name="adlaw_term_new"),
    path("adlaw/terms/<int:term_id>/", adlaw.term_edit, name="adlaw_term_edit"),
    path("adlaw/terms/<int:term_id>/toggle/", adlaw.term_toggle, name="adlaw_term_toggle"),
    path("adlaw/terms/import/", adlaw.term_import, name="adlaw_term_import"),
    path("adlaw/claims/", adlaw.claim_index, name="adlaw_claims"),
    path("adlaw/claims/<int:claim_id>/decide/", adlaw.claim_decide_view, name="adlaw_claim_decide"),
    path("adlaw/evidence/<int:evidence_id>/", adlaw.evidence_view, name="adlaw_evidence"),
    path("price-alerts/<int:alert_id>/resolve/", compliance.alert_resolve, name="price_alert_resolve"),
    # 售后
    path("aftersales/", aftersales.arbitration_index, name="arbitration"),
    path("aftersales/<int:case_id>/", aftersales.arbitration_case, name="arbitration_case"),
    path("aftersales/<int:case_id>/messages/", aftersales.arbitration_message, name="arbitration_message"),
    path("aftersales/reasons/", aftersales.reason_index, name="case_reasons"),
    path("aftersales/risk/", aftersales.risk_index, name="refund_risk"),
    path("aftersales/risk/<int:buyer_id>/", aftersales.risk_buyer, name="refund_risk_buyer"),
    path("aftersales/reasons/<int:reason_id>/", aftersales.reason_index, name="case_reason_edit"),
    # 订单、支付通知、定时任务
    path("orders/", orders.order_index, name="orders"),
    path("orders/<int:order_id>/", orders.order_detail, name="order_detail"),
    path("late-shipments/", orders.late_shipment_index, name="late_shipments"),
    path("notifications/", overview.notifications, name="notifications"),
    path("jobs/", overview.job_list, name="jobs"),
    path("jobs/run-due/", overview.job_run_due, name="job_run_due"),
    path("jobs/<str:name>/run/", overview.job_run_one, name="job_run"),
    # 推广中心
    path("ads/", ads.ads_index, name="ads"),
    path("ads/accounts/<int:shop_id>/", ads.ads_account, name="ads_account"),
    path("ads/accounts/<int:shop_id>/adjust/", ads.ads_adjust, name="ads_adjust"),
    path("ads/accounts/<int:shop_id>/refund/", ads.ads_refund, name="ads_refund"),
    # 数据中心 (see datacenter/urls.py)
    path("data/", include("wanshang.platform.datacenter.urls")),
]
