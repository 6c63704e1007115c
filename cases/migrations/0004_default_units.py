"""Every existing department gets one receiving unit, so escalation works right after upgrading.

A municipality splits it into real units (and names members) in the admin.
"""

from django.db import migrations


def add_default_units(apps, schema_editor):
    Department = apps.get_model("cases", "Department")
    Unit = apps.get_model("cases", "Unit")
    for department in Department.objects.filter(units__isnull=True):
        Unit.objects.create(
            department=department,
            code=f"{department.code}-mottagning",
            name=f"{department.name}, mottagning",
        )


class Migration(migrations.Migration):
    dependencies = [("cases", "0003_escalations")]
    operations = [migrations.RunPython(add_default_units, migrations.RunPython.noop)]
