# Written by hand (issue 14): only this field, whatever else the models hold meanwhile.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('channels', '0007_whatsapp_identity_and_parts'),
    ]

    operations = [
        migrations.AddField(
            model_name='inboundmessage',
            name='fingerprint',
            field=models.CharField(blank=True, default='', editable=False, max_length=64),
        ),
    ]
