"""The platform's starting list of after-sales reasons (editable on /platform/aftersales/reasons/), and the freight
part of full refunds made before refunds recorded it (money.py counts refunded freight from it)."""

from django.db import migrations

# name, refund only, return, exchange, fault, no-reason (七天无理由)
REASONS = [
    ("质量问题", True, True, True, "shop", False),
    ("描述不符", True, True, True, "shop", False),
    ("少件/错发", True, True, True, "shop", False),
    ("未收到货", True, False, False, "shop", False),
    ("七天无理由", False, True, True, "buyer", True),
    ("不想要了", True, True, False, "buyer", False),
    ("拍错/多拍", True, True, True, "buyer", False),
    ("尺码/规格不合适", False, True, True, "buyer", False),
    ("其他", True, True, True, "buyer", False),
]


def seed(apps, schema_editor):
    CaseReason = apps.get_model("aftersales", "CaseReason")
    for position, (name, ro, rt, ex, fault, no_reason) in enumerate(REASONS):
        CaseReason.objects.get_or_create(
            name=name,
            defaults={
                "for_refund_only": ro,
                "for_return": rt,
                "for_exchange": ex,
                "fault": fault,
                "no_reason": no_reason,
                "position": position * 10,
            },
        )
    Refund = apps.get_model("aftersales", "Refund")
    Order = apps.get_model("orders", "Order")
    full = Refund.objects.filter(is_full=True, freight_fen=0, status__in=["processing", "refunded"])
    for refund in full.iterator():
        freight = Order.objects.filter(pk=refund.order_id).values_list("freight_fen", flat=True).first() or 0
        if freight:
            Refund.objects.filter(pk=refund.pk).update(freight_fen=freight)


class Migration(migrations.Migration):
    dependencies = [("aftersales", "0002_cases"), ("orders", "0007_delete_refund")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
