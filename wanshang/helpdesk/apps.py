from django.apps import AppConfig


class HelpdeskConfig(AppConfig):
    """客服知识库: business hours, auto-reply settings, quick phrases, the FAQ knowledge base with jieba matching,
    tickets with SLA policies and breaches. Rules and the matching score: docs/helpdesk.md."""

    name = "wanshang.helpdesk"
    label = "helpdesk"
    verbose_name = "客服知识库与工单"
