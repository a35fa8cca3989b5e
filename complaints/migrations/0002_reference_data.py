"""Load the kecamatan, the starting categories and the SOP's time limits. Never overwrites edits."""

from django.db import migrations

from complaints.reference_data import CATEGORIES, DISTRICTS
from complaints.workflow import SOP_TIME_LIMITS


def load(apps, schema_editor):
    District = apps.get_model("complaints", "District")
    Category = apps.get_model("complaints", "Category")
    SlaPolicy = apps.get_model("complaints", "SlaPolicy")
    for name, slug, lat, lng in DISTRICTS:
        District.objects.get_or_create(slug=slug, defaults={"name": name, "latitude": lat, "longitude": lng})
    for order, (kind, slug, name) in enumerate(CATEGORIES):
        Category.objects.get_or_create(slug=slug, defaults={"kind": kind, "name": name, "sort_order": order})
    for (status, program), (target, limit) in SOP_TIME_LIMITS.items():
        SlaPolicy.objects.get_or_create(
            status=str(status), program=str(program), defaults={"target": target, "limit": limit}
        )


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
