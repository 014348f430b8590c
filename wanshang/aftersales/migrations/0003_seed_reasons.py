"""The platform's starting list of after-sales reasons (editable on /platform/aftersales/reasons/), and the freight
part of full refunds made before refunds recorded it (money.py counts refunded freight from it)."""

from django.db import migrations

from wanshang.aftersales.seed import seed_reasons


def seed(apps, schema_editor):
    seed_reasons(apps.get_model("aftersales", "CaseReason"))
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
