# The insights models take over tables the analytics app created (analytics 0001/0002): state only, with
# db_table set to the existing names, so no table is created, copied or dropped and every row stays.
# Their content types (and so any permissions granted on them) are relabelled from analytics to insights.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MOVED = ('alert', 'crowdpack', 'experiment', 'experimentview')


def _relabel(apps, schema_editor, old, new):
    ContentType = apps.get_model('contenttypes', 'ContentType')
    types = ContentType.objects.using(schema_editor.connection.alias)
    for model in MOVED:
        if not types.filter(app_label=new, model=model).exists():
            types.filter(app_label=old, model=model).update(app_label=new)


def content_types_forward(apps, schema_editor):
    _relabel(apps, schema_editor, 'analytics', 'insights')


def content_types_backward(apps, schema_editor):
    _relabel(apps, schema_editor, 'insights', 'analytics')


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('analytics', '0004_move_insights_models'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('merchants', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Experiment',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('key', models.SlugField(max_length=40, verbose_name='实验标识')),
                        ('name', models.CharField(max_length=60, verbose_name='实验名称')),
                        ('metric', models.CharField(choices=[('conversion', '支付转化率'), ('revenue', 'UV价值（每访客支付金额）')], default='conversion', max_length=12)),
                        ('variants', models.JSONField(default=list)),
                        ('product_ids', models.JSONField(blank=True, default=list)),
                        ('status', models.CharField(choices=[('draft', '草稿'), ('running', '进行中'), ('stopped', '已结束')], default='draft', max_length=10)),
                        ('baseline_bps', models.IntegerField(default=0, verbose_name='基线转化率（万分比）')),
                        ('mde_bps', models.IntegerField(default=0, verbose_name='最小可检测提升（百分点，万分比）')),
                        ('planned_per_arm', models.IntegerField(default=0)),
                        ('started_at', models.DateTimeField(blank=True, null=True)),
                        ('stopped_at', models.DateTimeField(blank=True, null=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('shop', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='merchants.shop')),
                    ],
                    options={
                        'db_table': 'analytics_experiment',
                        'ordering': ['-id'],
                        'constraints': [models.UniqueConstraint(fields=('shop', 'key'), name='experiment_key_per_shop')],
                    },
                ),
                migrations.CreateModel(
                    name='ExperimentView',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('viewed_at', models.DateTimeField(auto_now_add=True)),
                        ('experiment', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='views', to='insights.experiment')),
                        ('shop', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='merchants.shop')),
                    ],
                    options={
                        'db_table': 'analytics_experimentview',
                    },
                ),
                migrations.CreateModel(
                    name='Alert',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('payment_gap', '支付异常下跌')], max_length=20)),
                        ('hour', models.DateTimeField()),
                        ('observed', models.IntegerField(default=0)),
                        ('expected', models.FloatField(default=0)),
                        ('detail', models.CharField(blank=True, max_length=300)),
                        ('read_at', models.DateTimeField(blank=True, null=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('shop', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='merchants.shop')),
                    ],
                    options={
                        'db_table': 'analytics_alert',
                        'ordering': ['-hour', '-id'],
                        'constraints': [models.UniqueConstraint(fields=('shop', 'kind', 'hour'), name='alert_once_per_hour'), models.UniqueConstraint(condition=models.Q(('shop__isnull', True)), fields=('kind', 'hour'), name='platform_alert_once_per_hour')],
                    },
                ),
                migrations.CreateModel(
                    name='CrowdPack',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=40, verbose_name='人群包名称')),
                        ('rule', models.JSONField(blank=True, default=dict)),
                        ('buyer_ids', models.JSONField(default=list)),
                        ('size', models.IntegerField(default=0)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('shop', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='merchants.shop')),
                    ],
                    options={
                        'db_table': 'analytics_crowdpack',
                        'ordering': ['-id'],
                        'constraints': [models.UniqueConstraint(fields=('shop', 'name'), name='crowd_name_per_shop')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_forward, content_types_backward),
    ]
