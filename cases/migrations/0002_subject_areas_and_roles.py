"""The nine KKiK subject areas (DOMAIN.md) and the four role groups every installation needs."""

from django.db import migrations

SUBJECT_AREAS = [
    ("bygglov", "Bygglov"),
    ("forskola", "Förskola"),
    ("grundskola", "Grundskola"),
    ("individ-och-familjeomsorg", "Individ- och familjeomsorg"),
    ("aldreomsorg", "Äldreomsorg"),
    ("funktionsnedsattning", "Funktionsnedsättning"),
    ("kultur-och-fritid", "Kultur och fritid"),
    ("gator-och-vagar", "Gator och vägar"),
    ("miljo-och-halsa", "Miljö och hälsa"),
]
ROLE_GROUPS = ["kundtjanst", "forvaltning", "arbetsledare", "chef"]


def forwards(apps, schema_editor):
    SubjectArea = apps.get_model("cases", "SubjectArea")
    Group = apps.get_model("auth", "Group")
    for code, name in SUBJECT_AREAS:
        SubjectArea.objects.get_or_create(code=code, defaults={"name": name})
    for name in ROLE_GROUPS:
        Group.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
