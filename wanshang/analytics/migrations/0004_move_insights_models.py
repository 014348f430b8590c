# Alert, CrowdPack, Experiment and ExperimentView moved to the insights app (wanshang/insights/models.py).
# State only: their tables stay as they are, with their rows, and insights' 0001_initial takes them over
# under the same names (db_table). Nothing here touches the database.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('analytics', '0003_rollup_cursor'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='ExperimentView'),
                migrations.DeleteModel(name='Experiment'),
                migrations.DeleteModel(name='Alert'),
                migrations.DeleteModel(name='CrowdPack'),
            ],
            database_operations=[],
        ),
    ]
