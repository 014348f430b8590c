"""The normalised delivery-address key (orders/addresskey.py), filled in for the orders placed before it."""

from django.db import migrations, models

from wanshang.orders.addresskey import address_key


def fill(apps, schema_editor):
    Order = apps.get_model("orders", "Order")
    batch = []
    for order in Order.objects.only("pk", "address").iterator(chunk_size=2000):
        key = address_key(order.address or {})
        if key:
            order.address_key = key
            batch.append(order)
        if len(batch) >= 2000:
            Order.objects.bulk_update(batch, ["address_key"])
            batch = []
    if batch:
        Order.objects.bulk_update(batch, ["address_key"])


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0010_order_is_pickup"),
    ]

    operations = [
        migrations.AddField(
            model_name="order",
            name="address_key",
            field=models.CharField(blank=True, default="", max_length=32),
        ),
        migrations.AddIndex(
            model_name="order",
            index=models.Index(fields=["address_key", "created_at"], name="order_address_key_at"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
