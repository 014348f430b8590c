"""Review photos uploaded before media assets had a `source` are the buyers', not the shop's own."""

from django.db import migrations


def mark(apps, schema_editor):
    MediaAsset = apps.get_model("media", "MediaAsset")
    ReviewImage = apps.get_model("reviews", "ReviewImage")
    MediaAsset.objects.filter(pk__in=ReviewImage.objects.values("asset_id")).update(source="buyer")


class Migration(migrations.Migration):
    dependencies = [("reviews", "0001_initial"), ("media", "0002_asset_source")]

    operations = [migrations.RunPython(mark, migrations.RunPython.noop)]
