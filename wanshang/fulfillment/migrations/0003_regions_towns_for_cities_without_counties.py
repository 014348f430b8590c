import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "regions.json"


def add_missing(apps, schema_editor):
    """Databases loaded before the towns of 东莞, 中山 and 儋州 were shipped get them now; nothing else changes."""
    Region = apps.get_model("fulfillment", "Region")
    rows = json.loads(DATA.read_text(encoding="utf-8"))
    known = set(Region.objects.values_list("code", flat=True))
    Region.objects.bulk_create(
        [Region(code=code, name=name, parent_id=parent, level=level)
         for code, name, parent, level in sorted(rows, key=lambda r: (r[3], r[0])) if code not in known],
        batch_size=1000,
    )


class Migration(migrations.Migration):
    dependencies = [("fulfillment", "0002_load_regions")]
    operations = [migrations.RunPython(add_missing, migrations.RunPython.noop)]
