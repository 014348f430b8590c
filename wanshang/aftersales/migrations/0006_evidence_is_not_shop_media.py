"""Evidence uploaded before media assets had a `source`: the buyer's and the platform's pictures are not the
shop's own (the shop's own evidence stays its own)."""

from django.db import migrations


def mark(apps, schema_editor):
    MediaAsset = apps.get_model("media", "MediaAsset")
    CaseEvidence = apps.get_model("aftersales", "CaseEvidence")
    theirs = CaseEvidence.objects.exclude(role="seller").values("asset_id")
    MediaAsset.objects.filter(pk__in=theirs).update(source="buyer")


class Migration(migrations.Migration):
    dependencies = [("aftersales", "0005_return_freight"), ("media", "0002_asset_source")]

    operations = [migrations.RunPython(mark, migrations.RunPython.noop)]
