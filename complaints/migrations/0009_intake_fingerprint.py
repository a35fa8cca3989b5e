# Written by hand (issue 14): only this field, whatever else the models hold meanwhile.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('complaints', '0008_period_counts_index'),
    ]

    operations = [
        migrations.AddField(
            model_name='complaint',
            name='intake_fingerprint',
            field=models.CharField(blank=True, default='', editable=False, max_length=64),
        ),
    ]
