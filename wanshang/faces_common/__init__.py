"""Code the web faces share above the domain: shapes and chart options of the 数据中心 pages and API.

Not the domain kernel (`wanshang.common`): these modules know HTTP, django-ninja and ECharts, and only the
faces (storefront, sellercenter, platform) import them.
"""
