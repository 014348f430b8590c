import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "regions.json"


def load(apps, schema_editor):
    Region = apps.get_model("fulfillment", "Region")
    rows = json.loads(DATA.read_text(encoding="utf-8"))
    Region.objects.bulk_create(
        [Region(code=code, name=name, parent_id=parent, level=level) for code, name, parent, level in
         sorted(rows, key=lambda r: (r[3], r[0]))],
        batch_size=1000, ignore_conflicts=True,
    )


def unload(apps, schema_editor):
    apps.get_model("fulfillment", "Region").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("fulfillment", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
