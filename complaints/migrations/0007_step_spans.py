"""Step spans: how long each step took, one row per step left (complaints.models.step_span), and their daily
roll-up, for the dashboard.

The index serves the one way spans are read, by the period in which the step was left. On PostgreSQL it covers every
column the figures group, count or narrow by, so a year's figures are an index-only scan; SQLite has no INCLUDE.
Existing histories are backfilled from their events by the same rule that records new spans.
"""

import django.db.models.deletion
from django.db import migrations, models

PERIOD_INDEX = "stepspan_period_idx"
COVERED = "status, program, is_information, district_id, category_id, channel_kind, seconds, bucket, within"


def create_index(apps, schema_editor) -> None:
    include = f" INCLUDE ({COVERED})" if schema_editor.connection.vendor == "postgresql" else ""
    schema_editor.execute(f"CREATE INDEX {PERIOD_INDEX} ON complaints_stepspan (left_at){include}")


def drop_index(apps, schema_editor) -> None:
    schema_editor.execute(f"DROP INDEX IF EXISTS {PERIOD_INDEX}")


def backfill(apps, schema_editor) -> None:
    # The same rule as live recording (a span must mean the same either way), on the historical models.
    from complaints.step_spans import rebuild_step_spans

    rebuild_step_spans(apps=apps)


class Migration(migrations.Migration):

    dependencies = [
        ('complaints', '0006_scale_indexes'),
    ]

    operations = [
        migrations.CreateModel(
            name='StepDay',
            fields=[
                ('day', models.DateField(primary_key=True, serialize=False)),
                ('spans', models.PositiveIntegerField(default=0)),
                ('rolled_up_at', models.DateTimeField(auto_now_add=True)),
            ],
            options={
                'verbose_name': 'rekap harian lama langkah',
                'verbose_name_plural': 'rekap harian lama langkah',
            },
        ),
        migrations.CreateModel(
            name='StepSpan',
            fields=[
                ('left_by', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, primary_key=True, related_name='+', serialize=False, to='complaints.complaintevent', verbose_name='peristiwa')),
                ('status', models.CharField(choices=[('submitted', 'Diterima'), ('screening', 'Penyaringan'), ('verification', 'Verifikasi'), ('field_check', 'Cek lapangan'), ('dispatch', 'Penugasan'), ('reporting', 'Pelaporan'), ('head_review', 'Telaah Kepala'), ('notification', 'Pemberitahuan'), ('closed', 'Selesai')], max_length=20, verbose_name='langkah')),
                ('program', models.CharField(choices=[('treckk', 'TRECKK (langsung)'), ('lalisa', 'La-Lisa (jarak jauh)')], max_length=10, verbose_name='program')),
                ('is_information', models.BooleanField(default=False, verbose_name='permintaan informasi')),
                ('channel_kind', models.CharField(choices=[('whatsapp', 'WhatsApp'), ('telegram', 'Telegram'), ('sp4n_lapor', 'SP4N-LAPOR!'), ('walk_in', 'Datang langsung'), ('web', 'Formulir web'), ('api', 'API')], max_length=20, verbose_name='kanal')),
                ('entered_at', models.DateTimeField(verbose_name='mulai')),
                ('left_at', models.DateTimeField(verbose_name='selesai')),
                ('seconds', models.FloatField(verbose_name='lama (detik)')),
                ('bucket', models.PositiveSmallIntegerField()),
                ('within', models.BooleanField(verbose_name='dalam waktu SOP')),
                ('category', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='complaints.category')),
                ('complaint', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='complaints.complaint')),
                ('district', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='complaints.district')),
            ],
            options={
                'verbose_name': 'lama langkah',
                'verbose_name_plural': 'lama langkah',
            },
        ),
        migrations.CreateModel(
            name='StepDayBucket',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('status', models.CharField(choices=[('submitted', 'Diterima'), ('screening', 'Penyaringan'), ('verification', 'Verifikasi'), ('field_check', 'Cek lapangan'), ('dispatch', 'Penugasan'), ('reporting', 'Pelaporan'), ('head_review', 'Telaah Kepala'), ('notification', 'Pemberitahuan'), ('closed', 'Selesai')], max_length=20)),
                ('bucket', models.PositiveSmallIntegerField()),
                ('count', models.PositiveIntegerField()),
                ('total_seconds', models.FloatField()),
                ('within', models.PositiveIntegerField()),
                ('day', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='buckets', to='complaints.stepday')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('day', 'status', 'bucket'), name='step_day_bucket_once')],
            },
        ),
        migrations.RunPython(create_index, drop_index, elidable=False),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=False),
    ]
