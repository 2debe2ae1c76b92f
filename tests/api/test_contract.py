"""The contract a generated client relies on: strict routes and parameters, one error shape,
409 for refused state changes, and tokens that are what their scope says."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from config.urls import urlpatterns  # noqa: F401  (the router is built at import)
from tracker.api.urls import router
from tracker.enums import EditorialState, TokenScope
from tracker.models import ApiToken, Incident, Webhook
from tracker.services.api_tokens import api_token_create

PROBLEM = "application/problem+json"


def _problem(response, status):  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert (body["type"], body["status"]) == ("about:blank", status)
    assert body["title"]
    assert body["detail"]
    return body


@pytest.fixture
def draft(demo) -> Incident:
    Incident.objects.filter(pk=demo.incident.pk).update(state=EditorialState.DRAFT)
    return Incident.objects.get(pk=demo.incident.pk)


# --- tokens ------------------------------------------------------------------------------------


def test_read_token_of_editor_sees_published_set_only(api, draft, read_key, write_key):
    url = reverse("api:incident-detail", args=[draft.pk])
    api.credentials(HTTP_AUTHORIZATION=f"Token {read_key}")
    hidden = api.get(url)  # it was public once: what the public gets, a tombstone
    assert (hidden.status_code, hidden.json()["reason"]) == (410, "unpublished")
    assert api.get(reverse("api:incident-list"), {"state": "draft"}).json()["results"] == []
    api.credentials(HTTP_AUTHORIZATION=f"Token {write_key}")
    assert api.get(url).json()["state"] == "draft"
    listed = api.get(reverse("api:incident-list"), {"state": "draft"}).json()["results"]
    assert [row["id"] for row in listed] == [draft.pk]


def test_token_acting_as_another_user_is_refused(editor, django_user_model, db):
    boss = django_user_model.objects.create_superuser("boss", password="pw-boss-12345")
    client = APIClient()
    client.force_login(editor)
    response = client.post(
        reverse("api:token-list"), {"name": "escalate", "scope": "write", "user": boss.pk}
    )
    body = _problem(response, 403)
    assert body["detail"] == "A token acts for the user who creates it, never another user."
    assert not ApiToken.objects.exists()
    mine = client.post(
        reverse("api:token-list"), {"name": "mine", "scope": "read", "user": editor.pk}
    )
    assert (mine.status_code, mine.json()["user"]) == (201, editor.pk)


def test_webhook_secret_shown_once_and_rotated(editor_api):
    created = editor_api.post(
        reverse("api:webhook-list"),
        {"url": "https://example.org/hook", "events": ["incident.published"]},
        format="json",
    )
    assert created.status_code == 201
    secret = created.json()["secret"]
    hook = Webhook.objects.get()
    assert hook.secret == secret
    assert "secret" not in editor_api.get(reverse("api:webhook-detail", args=[hook.pk])).json()
    assert "secret" not in editor_api.get(reverse("api:webhook-list")).json()["results"][0]
    rotated = editor_api.post(reverse("api:webhook-rotate-secret", args=[hook.pk]))
    assert rotated.status_code == 200
    hook.refresh_from_db()
    assert rotated.json()["secret"] == hook.secret != secret


# --- no input yields a 500 ------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/incidents/²/",
        "/api/v1/incidents/٣/",
        "/api/v1/incidents/null/",
        "/api/v1/incidents/x/",
        "/api/v1/claims/-1/",
        "/api/v1/incidents/1234567890123456789012/",
        "/api/v1/webhooks/²/deliveries/",
        "/api/v1/nothing-here/",
    ],
)
def test_path_that_is_no_id_is_404_problem(api, demo, path):
    body = _problem(api.get(path), 404)
    assert body["detail"] == "No such resource: the address names nothing here."


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("conflict=²", None),
        ("party=²", "party"),
        ("party=null", "party"),
        ("side=1.5", "side"),
        ("party=99999999999999999999", "party"),
        ("occurred_from=x", "occurred_from"),
        ("page_size=٣", "page_size"),
    ],
)
def test_bad_parameter_value_is_400_naming_it_or_empty(api, demo, query, name):
    response = api.get(f"{reverse('api:incident-list')}?{query}")
    if name is None:  # not an id: a slug that matches nothing
        assert (response.status_code, response.json()["results"]) == (200, [])
    else:
        assert list(_problem(response, 400)["errors"]) == [name]


def test_unknown_parameters_are_400_naming_them(api, demo):
    body = _problem(api.get(reverse("api:incident-list"), {"sort": "x", "confict": "1"}), 400)
    assert sorted(body["errors"]) == ["confict", "sort"]
    assert body["errors"]["sort"][0].startswith("Unknown parameter: this operation takes aspect,")
    detail = reverse("api:incident-detail", args=[demo.incident.pk])
    assert _problem(api.get(detail, {"page_size": "5"}), 400)["errors"] == {
        "page_size": ["Unknown parameter: this operation takes no query parameters."]
    }
    repeatable = api.get(f"{reverse('api:claim-list')}?verdict=false&verdict=contested")
    assert repeatable.status_code == 200


def test_options_on_every_route_answers(api, editor_api, demo):
    paths = []
    for prefix, _viewset, _basename in router.registry:
        paths.append(f"/api/v1/{prefix}/")
        paths.append(f"/api/v1/{prefix}/1/")
    paths += ["/api/v1/incidents/1/publish/", "/api/v1/webhooks/1/deliveries/", "/api/v1/"]
    for client in (api, editor_api):
        for path in paths:
            response = client.options(path)
            assert response.status_code in (200, 401, 403), (path, response.status_code)
            if response.status_code == 200:
                assert "GET" in response["Allow"] or "POST" in response["Allow"]


# --- one error shape, 409 for refused state changes ------------------------------------------


def test_publishing_a_published_incident_is_409(editor_api, demo):
    url = reverse("api:incident-publish", args=[demo.incident.pk])
    body = _problem(editor_api.post(url, {}, format="json"), 409)
    assert body["detail"] == "A published incident cannot become published."


def test_stale_claim_version_is_409_with_current_version(editor_api, demo):
    claim = demo.claims[("Armenia", "timing")]
    url = reverse("api:claim-detail", args=[claim.pk])
    first = editor_api.patch(url, {"version": 1, "text": "At 07:40."}, format="json")
    assert first.status_code == 202  # the demo incident is published: held, then approved
    approve = reverse("api:revision-approve", args=[first.json()["revision"]])
    assert editor_api.post(approve).status_code == 200
    body = _problem(editor_api.patch(url, {"version": 1, "text": "At 07:45."}, format="json"), 409)
    assert body["current_version"] == 2
    claim.refresh_from_db()
    assert claim.text == "At 07:40."


def test_wrong_json_types_are_400_naming_the_type(editor_api, demo):
    response = editor_api.post(
        reverse("api:incident-list"),
        {
            "conflict": str(demo.conflict.pk),
            "title": 7,
            "incident_type": "shelling",
            "occurred_start": "2022-09-13T00:00:00Z",
            "latitude": True,
        },
    )
    assert _problem(response, 400)["errors"] == {
        "conflict": ["Must be an id (a whole number)."],
        "title": ["Must be a string."],
        "latitude": ["Must be a number."],
    }
    form = editor_api.post(
        reverse("api:incident-list"), "title=x", content_type="application/x-www-form-urlencoded"
    )
    assert _problem(form, 415)["detail"].startswith("Unsupported media type")


def test_damaged_cursor_and_out_of_range_box_are_422(api, demo):
    assert _problem(api.get(reverse("api:incident-list"), {"cursor": "AAAA"}), 422)["errors"] == {
        "cursor": ["Not a cursor from this API."]
    }
    _problem(api.get(reverse("api:incident-list"), {"bbox": "0,80,10,70"}), 422)


def test_validation_error_lists_each_field(editor_api, demo):
    response = editor_api.post(
        reverse("api:incident-list"), {"title": "", "latitude": "north"}, format="json"
    )
    body = _problem(response, 400)
    assert sorted(body["errors"]) == [
        "conflict",
        "incident_type",
        "latitude",
        "occurred_start",
        "title",
    ]


def test_feed_bad_parameter_is_the_same_problem(api, demo):
    body = _problem(api.get(reverse("feeds:incidents-atom"), {"bbox": "1,2"}), 400)
    assert body["errors"] == {"bbox": ["Give west,south,east,north in degrees."]}


def test_read_token_cannot_rotate_or_list_webhooks(api, read_key, editor):
    _, other = api_token_create(user=editor, name="other", scope=TokenScope.READ, created_by=editor)
    api.credentials(HTTP_AUTHORIZATION=f"Token {other}")
    _problem(api.get(reverse("api:webhook-list")), 403)


def test_body_naming_missing_objects_is_422_naming_fields(editor_api, demo):
    response = editor_api.post(
        reverse("api:statement-list"),
        {"incident": 999999, "party": 999998, "text": "Said."},
        format="json",
    )
    body = _problem(response, 422)
    assert sorted(body["errors"]) == ["incident", "party"]
    mixed = editor_api.post(
        reverse("api:statement-list"), {"incident": 999999, "text": ""}, format="json"
    )
    assert sorted(_problem(mixed, 400)["errors"]) == ["incident", "party", "text"]
