from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    """评价: reviews of received order lines, 追评, replies, reports and moderation, helpful votes; product
    ratings and the shops' DSR (描述相符, 服务态度, 物流服务). Rules and formulas: docs/reviews.md."""

    name = "wanshang.reviews"
    label = "reviews"
    verbose_name = "评价"
