"""Platform 数据中心 pages under /platform/data/."""

from wanshang.platform.datacenter.views import overview as data
from wanshang.platform.datacenter.views import trade as data_trade

urlpatterns = [
    *data.urlpatterns,  # marketplace overview: traffic, conversion, sources, categories
    *data_trade.urlpatterns,  # trade report (hourly, Excel/CSV), payment-gap alerts
]
