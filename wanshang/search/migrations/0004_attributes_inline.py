"""Re-run the backend's install: on PostgreSQL the facets' `attributes` stay in the row (STORAGE MAIN). Rows
written before keep their layout until they are written again (`manage.py search_rebuild`); the statements are
idempotent and SQLite's install has nothing new."""

from django.db import migrations

from wanshang.search.backends import for_vendor


def install(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        for_vendor(schema_editor.connection.vendor).install(cursor)


class Migration(migrations.Migration):
    dependencies = [("search", "0003_fulltext_tuning")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
