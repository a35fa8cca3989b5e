# Written by hand (issue 15.5): the manual mode's follow-ups, whatever else the models hold meanwhile.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('channels', '0008_inbound_fingerprint'),
        ('complaints', '0010_holidays'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='LaporFollowUp',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('follow_up', 'Tindak lanjut'), ('final', 'Status akhir')], max_length=20, verbose_name='jenis')),
                ('text', models.TextField(verbose_name='teks untuk LAPOR')),
                ('payload', models.JSONField(blank=True, default=dict, help_text='channels.sp4n_lapor.client.Push, as the API mode would send it.')),
                ('dedupe_key', models.CharField(max_length=200, unique=True)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='dibuat')),
                ('due_at', models.DateTimeField(verbose_name='tenggat')),
                ('posted_at', models.DateTimeField(blank=True, null=True, verbose_name='diposting ke LAPOR')),
                ('posted_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='diposting oleh')),
                ('report', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='follow_ups', to='channels.laporreport')),
            ],
            options={
                'verbose_name': 'tindak lanjut LAPOR manual',
                'verbose_name_plural': 'tindak lanjut LAPOR manual',
                'ordering': ['due_at', 'created_at', 'id'],
                'indexes': [models.Index(fields=['posted_at', 'due_at'], name='lapor_post_due_idx')],
            },
        ),
    ]
