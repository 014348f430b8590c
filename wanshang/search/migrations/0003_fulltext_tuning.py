"""Re-run the backend's install: PostgreSQL gains a prefix index on the category path and a narrow heap
(toast_tuple_target); the statements are idempotent and SQLite's install has nothing new."""

from django.db import migrations

from wanshang.search.backends import for_vendor


def install(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        for_vendor(schema_editor.connection.vendor).install(cursor)


class Migration(migrations.Migration):
    dependencies = [("search", "0002_fulltext")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
