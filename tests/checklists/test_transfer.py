import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from checklists.models import ChecklistVersion
from checklists.selectors import checklist_search
from checklists.transfer import FORMAT, checklists_export, checklists_import
from kundtjanst.errors import DomainError

pytestmark = pytest.mark.django_db(transaction=True)


def entry(**overrides):
    values = {
        "department": "bygg",
        "service": "bygglov-braskamin",
        "title": "Braskamin – anmälan",
        "questions": ["Får jag sätta in en kamin?"],
        "keywords": ["braskamin"],
        "steps": ["Säg att det kräver **anmälan**."],
        "collect": ["Fastighetsbeteckning"],
        "links": [{"title": "Anmälan", "url": "https://www.example-kommun.se/eldstad"}],
        "rosa_level": 2,
        "escalation_target": "Bygglovsenheten",
        "public": True,
        "status": "published",
        "review_by": "2027-05-31",
    }
    values.update(overrides)
    return values


def test_export_import_round_trip_is_exact(service):
    data = {
        "format": FORMAT,
        "checklists": [entry(), entry(title="Utkast", status="draft", review_by=None)],
    }
    checklists_import(data=data)
    exported = checklists_export()
    assert exported == data
    ChecklistVersion.objects.all().delete()
    checklists_import(data=json.loads(json.dumps(exported)))
    assert checklists_export() == data
    assert [v.title for v, _ in checklist_search("kaminen")] == ["Braskamin – anmälan"]


def test_import_is_all_or_nothing_and_names_each_bad_entry(service):
    data = {
        "format": FORMAT,
        "checklists": [
            entry(),
            entry(title="Två", service="finns-inte"),
            entry(title="Tre", rosa_level=9),
            entry(title="Fyra", steps="inte en lista"),
        ],
    }
    with pytest.raises(DomainError) as error:
        checklists_import(data=data)
    message = error.value.message
    assert error.value.code == "import-invalid"
    assert "Checklista 2 (”Två”): okänd tjänst ”finns-inte”" in message
    assert "Checklista 3 (”Tre”)" in message and "ROSA" in message
    assert "Checklista 4 (”Fyra”): ”steps” ska vara en lista" in message
    assert ChecklistVersion.objects.count() == 0


def test_duplicate_titles_are_refused(service):
    checklists_import(data={"format": FORMAT, "checklists": [entry()]})
    with pytest.raises(DomainError) as error:
        checklists_import(data={"format": FORMAT, "checklists": [entry()]})
    assert "samma rubrik finns redan" in error.value.message


def test_wrong_format_is_refused(service):
    with pytest.raises(DomainError) as error:
        checklists_import(data={"checklists": []})
    assert error.value.code == "import-format"


def test_commands_round_trip_through_a_file(service, tmp_path, capsys):
    path = tmp_path / "in.json"
    path.write_text(json.dumps({"format": FORMAT, "checklists": [entry()]}), encoding="utf-8")
    call_command("import_checklists", str(path))
    call_command("export_checklists", "--department", "bygg")
    out = capsys.readouterr().out
    exported = json.loads(out[out.index("{") :])
    assert exported["checklists"] == [entry()]
    with pytest.raises(CommandError, match="samma rubrik"):
        call_command("import_checklists", str(path))
