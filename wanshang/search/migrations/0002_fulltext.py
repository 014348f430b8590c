"""The backend's full-text structures: an FTS5 table on SQLite, tsvector columns and a GIN index on PostgreSQL.

Not in the model (each exists on one database only); see wanshang/search/backends/.
"""

from django.db import migrations

from wanshang.search.backends import for_vendor


def install(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        for_vendor(schema_editor.connection.vendor).install(cursor)


def uninstall(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        for_vendor(schema_editor.connection.vendor).uninstall(cursor)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(install, uninstall)]
