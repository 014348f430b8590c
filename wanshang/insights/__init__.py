"""数据中心 insights: what the sellers' and the platform's data pages read and decide from the event log.

The app sits at the top of the domain: it reads `wanshang.analytics` (the events and the visitor rollup, at
the bottom of the app graph, through the read model analytics publishes for reporting, `readmodel.py`)
together with any domain app it needs (shops, products, stock, users, coupons). It owns the metric
definitions (`metrics.py`, docs/data-center.md), the funnel, product, peer and trade reports and their exports,
the dashboard reads (`selectors.py`), customers (RFM) and crowd packs, A/B experiments and their statistics,
the 支付异常 alerts with their scan job, and a buyer's request to delete their behaviour data (`privacy.py`),
which reaches into orders as well as events.
Its models (Alert, CrowdPack, Experiment, ExperimentView) keep the tables they had under analytics
("analytics_alert", …): they moved by state only (migrations/0001_initial.py).
"""
