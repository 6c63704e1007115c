import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db(transaction=True)


def test_public_faq_needs_no_login_and_groups_by_subject_area(client, publish_checklist):
    publish_checklist(title="Braskamin – anmälan", public=True)
    publish_checklist(title="Internt manus om bistånd", public=False)
    response = client.get(reverse("public_faq"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Braskamin – anmälan" in html
    assert "Internt manus" not in html
    assert "<h2>Bygglov</h2>" in html
    assert "Öppettider" in html


def test_public_search_finds_only_public_answers(client, publish_checklist):
    public = publish_checklist(title="Braskamin – anmälan", public=True)
    publish_checklist(title="Braskamin internt", public=False, keywords=["braskamin"])
    response = client.get(reverse("public_faq"), {"q": "braskaminen"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="answers"')
    assert public.title in html and "Braskamin internt" not in html


def test_non_public_answer_is_not_found(client, publish_checklist):
    hidden = publish_checklist(title="Internt", public=False)
    shown = publish_checklist(title="Publikt", public=True, steps=["Svaret är **ja**."])
    assert client.get(reverse("public_answer", args=[hidden.pk])).status_code == 404
    page = client.get(reverse("public_answer", args=[shown.pk])).content.decode()
    assert "<strong>ja</strong>" in page


def test_search_with_no_answer_points_to_the_contact_centre(client):
    html = client.get(reverse("public_faq"), {"q": "månlandning"}).content.decode()
    assert "Vi hittade inget svar på ”månlandning”" in html
