"""数据中心 pages under /seller/data/: each area keeps its views and its urlpatterns in one module."""

from wanshang.sellercenter.datacenter.views import customers as data_customers
from wanshang.sellercenter.datacenter.views import experiments as data_experiments
from wanshang.sellercenter.datacenter.views import overview as data_overview
from wanshang.sellercenter.datacenter.views import service as data_service
from wanshang.sellercenter.datacenter.views import trade as data_trade

urlpatterns = [
    *data_overview.urlpatterns,  # 实时概况, 流量与转化, 商品分析, 竞争情报
    *data_trade.urlpatterns,  # 交易报表 (hourly, Excel/CSV), 异常提醒
    *data_customers.urlpatterns,  # RFM, 复购与同期群, 人群包
    *data_experiments.urlpatterns,  # A/B 实验
    *data_service.urlpatterns,  # 服务评价: the DSR trend against the category
]
