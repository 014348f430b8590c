"""Platform 数据中心 pages under /platform/data/."""

from wanshang.platform.views import data, data_trade

urlpatterns = [
    *data.urlpatterns,        # marketplace overview: traffic, conversion, sources, categories
    *data_trade.urlpatterns,  # trade report (hourly, Excel/CSV), payment-gap alerts
]
