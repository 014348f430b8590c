"""推广中心 pages under /seller/ads/."""

from wanshang.sellercenter.adcenter import audience, auto, groups, tools, views

urlpatterns = [
    *views.urlpatterns,
    *groups.urlpatterns,
    *tools.urlpatterns,
    *auto.urlpatterns,
    *audience.urlpatterns,
]
