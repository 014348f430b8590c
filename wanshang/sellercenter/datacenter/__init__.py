"""The seller's 数据中心 face: pages (views/, urls.py under /seller/data/) and JSON API (api*.py under
/api/seller/data/). The numbers come from wanshang.insights; the shared shapes from wanshang.faces_common.
Templates: wanshang/sellercenter/templates/sellercenter/datacenter/; tests: tests/ here."""
