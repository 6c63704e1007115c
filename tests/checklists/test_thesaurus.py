"""The thesaurus (synonymordlista): shipped with the product, exported and imported as a file,
all or nothing."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from checklists.models import SynonymGroup
from checklists.thesaurus import FORMAT, shipped_thesaurus, thesaurus_export

pytestmark = pytest.mark.django_db


def test_the_shipped_thesaurus_is_loaded_by_the_migrations():
    assert SynonymGroup.objects.count() >= 300
    forskola = [
        g for g in SynonymGroup.objects.filter(preferred="förskola") if "dagis" in g.variant_list
    ]
    assert forskola, "förskola — dagis"


def test_export_and_import_round_trip(tmp_path):
    out = StringIO()
    call_command("export_thesaurus", stdout=out)
    exported = json.loads(out.getvalue())
    assert exported["format"] == FORMAT
    assert len(exported["groups"]) == SynonymGroup.objects.count()
    assert exported == thesaurus_export()
    SynonymGroup.objects.all().delete()
    path = tmp_path / "ordlista.json"
    path.write_text(out.getvalue(), encoding="utf-8")
    printed = StringIO()
    call_command("import_thesaurus", str(path), stdout=printed)
    assert f"{len(exported['groups'])} nya, 0 uppdaterade" in printed.getvalue()
    assert thesaurus_export() == exported


def test_a_bad_file_names_every_bad_group_and_imports_nothing(tmp_path):
    before = SynonymGroup.objects.count()
    data = {
        "format": FORMAT,
        "groups": [
            {"preferred": "p-bot", "variants": ["parkeringsbot", "felparkeringsavgift"]},
            {"preferred": "", "variants": ["x"]},
            {"preferred": "sopor", "variants": []},
            {"preferred": "p-bot", "variants": ["lapp på bilen"]},
        ],
    }
    path = tmp_path / "trasig.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        call_command("import_thesaurus", str(path))
    message = str(caught.value)
    assert "grupp 2" in message and "preferred" in message
    assert "grupp 3 (sopor): variants" in message
    assert "grupp 4 (p-bot): preferred: finns redan" in message
    assert SynonymGroup.objects.count() == before


def test_replace_removes_groups_the_file_does_not_have(tmp_path):
    data = {"format": FORMAT, "groups": [{"preferred": "Förskola", "variants": ["Dagis", "dagis"]}]}
    path = tmp_path / "liten.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    call_command("import_thesaurus", str(path), "--replace", stdout=StringIO())
    [group] = SynonymGroup.objects.all()
    assert (group.preferred, group.variant_list) == ("förskola", ["dagis"])
    assert len(shipped_thesaurus()["groups"]) >= 300
