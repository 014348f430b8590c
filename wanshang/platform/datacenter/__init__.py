"""The platform's 数据中心 face: pages (views/, urls.py under /platform/data/) and JSON API (api*.py under
/api/platform/data/). The numbers come from wanshang.insights; the shared shapes from wanshang.faces_common.
Templates: wanshang/platform/templates/platform/datacenter/; tests: tests/ here."""
