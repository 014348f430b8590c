"""Seed the term list from the repository's file (wanshang/adlaw/terms.json as it is when this runs). Later
changes to the file reach a database through `manage.py adlaw_terms_import` or the platform's 导入 button."""

from django.db import migrations


def seed(apps, schema_editor):
    from wanshang.adlaw.termfile import read_terms

    Term = apps.get_model("adlaw", "Term")
    State = apps.get_model("adlaw", "TermListState")
    have = set(Term.objects.values_list("text", flat=True))
    Term.objects.bulk_create(Term(**entry) for entry in read_terms() if entry["text"] not in have)
    State.objects.get_or_create(pk=1, defaults={"version": 1})


class Migration(migrations.Migration):
    dependencies = [("adlaw", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
