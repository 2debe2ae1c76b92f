import pytest
from django.urls import reverse

from tracker.models import Incident

pytestmark = pytest.mark.django_db


def test_incident_page_needs_login(client, demo):
    url = reverse("tracker:incident-detail", args=[demo.incident.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


def test_merged_incident_address_redirects_to_the_surviving_one(client, demo, django_user_model):
    client.force_login(django_user_model.objects.create_user("v"))
    duplicate = Incident.objects.create(
        conflict=demo.conflict,
        title="dup",
        incident_type=demo.incident.incident_type,
        occurred_start=demo.incident.occurred_start,
    )
    Incident.objects.filter(pk=duplicate.pk).update(merged_into=demo.incident)
    response = client.get(reverse("tracker:incident-detail", args=[duplicate.pk]))
    assert response.status_code == 302
    assert response["Location"] == demo.incident.get_absolute_url()


def test_grid_tells_a_side_that_spoke_but_not_on_this_aspect(client, demo, django_user_model):
    client.force_login(django_user_model.objects.create_user("v"))
    html = client.get(reverse("tracker:incident-detail", args=[demo.incident.pk])).content.decode()
    row = html[html.index('data-aspect="casualties"') :]
    row = row[: row.index("</tr>")]
    azerbaijan_cell = row[row.index('<td data-side="Azerbaijan"') :]
    # Azerbaijan made a statement, none on casualties: "not addressed", not "no statement".
    assert "not addressed" in azerbaijan_cell
    assert "no statement" not in azerbaijan_cell
    assert "One Armenian soldier was wounded." in row
