from django.apps import AppConfig


class ServiceConfig(AppConfig):
    """客户服务: buyer–shop conversations (messages stored first, pushed second over WebSockets), the agents'
    workbench (queue, round-robin assignment, transfer, notes), auto-replies through helpdesk, satisfaction
    surveys and the figures of 数据中心 · 客服数据. Rules: docs/service.md."""

    name = "wanshang.service"
    label = "service"
    verbose_name = "客户服务"
