"""/api/v1/incidents/: each incident whole (statements → claims → citations, counterclaims),
paged by change time, with tombstones under `updated_since`; editors write through the
publishing and incident services."""

from datetime import datetime
from typing import Any, cast

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django_filters.utils import translate_validation
from drf_spectacular.utils import (
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_view,
)
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.pagination import BasePagination
from rest_framework.request import Request
from rest_framework.response import Response

from tracker.api import serializers as s
from tracker.api.base import StrictApiMixin
from tracker.api.conditional import ConditionalGetMixin
from tracker.api.errors import HELD_RESPONSE, held_answer
from tracker.api.filters import IncidentQueryApiForm
from tracker.api.pagination import IncidentChangePagination
from tracker.api.permissions import is_editor
from tracker.api.schema import form_parameters
from tracker.api.sync import (
    Watermark,
    change_stamps,
    check_since,
    incidents_or_tombstones,
    published_last_modified,
    sync_watermark,
    tombstone,
)
from tracker.models import Incident, IncidentChange
from tracker.selectors.incident_queries import IncidentCriteria, incidents_matching
from tracker.selectors.incidents import incidents_in_full
from tracker.services import publishing
from tracker.services.incidents import incident_create, incident_update

INCIDENT_OR_TOMBSTONE = PolymorphicProxySerializer(
    component_name="IncidentOrTombstone",
    serializers=[s.IncidentSerializer, s.TombstoneSerializer],
    resource_type_field_name=None,
)
WATERMARK_HEADER = "X-Sync-Watermark"


@extend_schema_view(
    list=extend_schema(
        summary="Incidents, whole, ordered by change time",
        description="Without `updated_since`: the published incidents that match the filters. "
        "With it: every incident that changed after that instant, as a full incident if it "
        "matches, else as a tombstone. Page with `next`; keep the `X-Sync-Watermark` header "
        "of the first page as the next pass's `updated_since` (an opaque value; see the sync "
        "protocol in docs/api.md).",
        parameters=form_parameters(IncidentQueryApiForm),
        responses=INCIDENT_OR_TOMBSTONE,
    ),
    retrieve=extend_schema(
        summary="One incident",
        responses={
            200: s.IncidentSerializer,
            404: OpenApiResponse(description="Never published."),
            410: OpenApiResponse(s.TombstoneSerializer, description="Deleted, merged, retracted."),
        },
    ),
)
class IncidentViewSet(StrictApiMixin, ConditionalGetMixin, viewsets.GenericViewSet):
    queryset = Incident.objects.all()
    pagination_class = IncidentChangePagination
    filter_backends: list[type] = []  # the query form below: the same as the pages' and feeds'
    query_params = {"list": tuple(IncidentQueryApiForm.base_fields)}
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    action_permissions = {
        "create": ["tracker.add_incident"],
        "partial_update": ["tracker.change_incident"],
        "destroy": ["tracker.delete_incident"],
        "submit": ["tracker.add_incident"],  # whoever builds incidents hands them on
        "publish": ["tracker.publish_incident"],
        "retract": ["tracker.publish_incident"],
        "merge": ["tracker.merge_incident"],
        "unmerge": ["tracker.merge_incident"],
    }

    def _matching(self, request: Request) -> tuple[QuerySet[Incident], Watermark | datetime | None]:
        """The published incidents matching the filters; editors may ask for other states with
        `state`."""
        params = request.query_params
        if not IncidentQueryApiForm.base_fields.keys() & params.keys():
            # No filter asked for (the common case): validating the form would cost more than
            # the page query.
            return incidents_matching(IncidentCriteria()), None
        form = IncidentQueryApiForm(params)
        if not form.is_valid():
            raise translate_validation(form.errors)
        criteria = form.criteria()
        sees_all = bool(criteria.state) and is_editor(request)
        matching = incidents_matching(criteria, published_only=not sees_all)
        return matching, form.cleaned_data["updated_since"]

    def last_modified(self, request: Request) -> datetime | None:
        if "pk" not in self.kwargs:
            return published_last_modified()
        stamp = IncidentChange.objects.filter(pk=self.kwargs["pk"]).first()
        return stamp.changed_at if stamp is not None else None

    def list(self, request: Request) -> Response:
        matching, since = self._matching(request)
        # Before the page query, so its snapshot is no newer than the page's: whatever the page
        # cannot see was written by a transaction with an id of at least this xmin.
        watermark, next_xid = sync_watermark()
        check_since(since, next_xid=next_xid)
        stamps = change_stamps(matching=matching, updated_since=since).values(
            "incident_id", "xid", "changed_at"
        )
        paginator = cast(BasePagination, self.paginator)  # pagination_class is set
        page = cast(list[dict[str, Any]], paginator.paginate_queryset(stamps, request, self))
        data = incidents_or_tombstones(page, matching=matching, with_tombstones=since is not None)
        response = paginator.get_paginated_response(data)
        response[WATERMARK_HEADER] = str(watermark)
        return response

    def retrieve(self, request: Request, pk: str) -> Response:
        incident_id = int(pk)  # digits: lookup_value_regex
        visible = Incident.objects.all() if is_editor(request) else Incident.objects.published()
        if visible.filter(pk=incident_id).exists():
            return Response(incidents_in_full([incident_id])[0])
        stamp = IncidentChange.objects.filter(pk=incident_id, was_published=True).first()
        if stamp is None:
            raise NotFound("No such incident.")
        row = (
            Incident.objects.filter(pk=incident_id).values("id", "state", "merged_into_id").first()
        )
        return Response(tombstone(incident_id, stamp.changed_at, row), status=status.HTTP_410_GONE)

    def _answer(self, incident: Incident, code: int = status.HTTP_200_OK) -> Response:
        return Response(incidents_in_full([incident.pk])[0], status=code)

    def _get(self, pk: str) -> Incident:
        return get_object_or_404(Incident, pk=pk)

    @extend_schema(request=s.IncidentCreateSerializer, responses={201: s.IncidentSerializer})
    def create(self, request: Request) -> Response:
        form = s.IncidentCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        return self._answer(incident_create(**form.validated_data), status.HTTP_201_CREATED)

    @extend_schema(
        request=s.IncidentUpdateSerializer,
        responses={
            200: s.IncidentSerializer,
            202: HELD_RESPONSE,
            409: OpenApiResponse(description="Stale version."),
        },
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        form = s.IncidentUpdateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        fields = dict(form.validated_data)
        version = fields.pop("version")
        incident = self._get(pk)
        held = incident_update(
            incident=incident, expected_version=version, user=request.user, **fields
        )
        if held is not None:
            return held_answer(held)
        incident.refresh_from_db()
        return self._answer(incident)

    @extend_schema(responses={204: None})
    def destroy(self, request: Request, pk: str) -> Response:
        publishing.incident_delete(incident=self._get(pk), user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _transition(
        self, request: Request, pk: str, service: Any, form_class: type = s.TransitionSerializer
    ) -> Response:
        form = form_class(data=request.data)
        form.is_valid(raise_exception=True)
        extra = dict(form.validated_data)
        version = extra.pop("version", None)
        incident = service(
            incident=self._get(pk), user=request.user, expected_version=version, **extra
        )
        return self._answer(incident)

    @extend_schema(request=s.TransitionSerializer, responses=s.IncidentSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str) -> Response:
        """Draft → in review."""
        return self._transition(request, pk, publishing.incident_submit_for_review)

    @extend_schema(request=s.TransitionSerializer, responses=s.IncidentSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str) -> Response:
        """→ published (announced to webhook subscribers)."""
        return self._transition(request, pk, publishing.incident_publish)

    @extend_schema(request=s.RetractSerializer, responses=s.IncidentSerializer)
    @action(detail=True, methods=["post"])
    def retract(self, request: Request, pk: str) -> Response:
        """Published → retracted, with the reason."""
        return self._transition(request, pk, publishing.incident_retract, s.RetractSerializer)

    @extend_schema(
        request=s.MergeSerializer,
        responses={
            200: s.IncidentSerializer,
            202: HELD_RESPONSE,
        },
    )
    @action(detail=True, methods=["post"])
    def merge(self, request: Request, pk: str) -> Response:
        """Merge this duplicate into `target`; answers with the target, or 202 when the target is
        published and the merge waits for an editor's approval."""
        form = s.MergeSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        target = get_object_or_404(Incident, pk=form.validated_data["target"])
        held = publishing.incident_merge(
            incident=self._get(pk),
            target=target,
            user=request.user,
            note=form.validated_data.get("note", ""),
        )
        if held is not None:
            return held_answer(held)
        target.refresh_from_db()
        return self._answer(target)

    @extend_schema(request=None, responses=s.IncidentSerializer)
    @action(detail=True, methods=["post"])
    def unmerge(self, request: Request, pk: str) -> Response:
        """Undo this incident's last merge."""
        return self._answer(publishing.incident_unmerge(incident=self._get(pk), user=request.user))
