"""Rows for the insights tests beyond the events (those are in wanshang/analytics/tests/factories.py)."""

from wanshang.insights.models import Alert


def make_alert(**fields) -> Alert:
    return Alert.objects.create(**fields)
