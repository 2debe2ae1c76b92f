"""/revisions/: the publish gate's queue for an editor's tool. Every change to a published
incident waits here (tracker.services.revisions); an editor approves or rejects it through the
same services as the incident page's buttons. Editors only, by session or write token."""

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from tracker.api.base import StrictApiMixin
from tracker.api.permissions import ReadAnyoneWriteEditors, is_editor
from tracker.api.schema import ID_SCHEMA
from tracker.enums import RevisionState
from tracker.forms.fields import is_id
from tracker.models import PendingRevision
from tracker.services.revisions import revision_approve, revision_reject


class RevisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = PendingRevision
        fields = [
            "id",
            "incident",
            "action",
            "target",
            "target_id",
            "base_version",
            "changes",
            "state",
            "author",
            "created_at",
        ]
        read_only_fields = fields


class EditorsRead(ReadAnyoneWriteEditors):
    """The queue is the newsroom's business: reads need an editor too."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return is_editor(request) and super().has_permission(request, view)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("incident", ID_SCHEMA, description="Only this incident's revisions."),
            OpenApiParameter(
                "state", str, enum=RevisionState.values, description="Default: pending."
            ),
        ]
    )
)
class RevisionViewSet(
    StrictApiMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = RevisionSerializer
    queryset = PendingRevision.objects.all()  # the model, for the schema
    permission_classes = [EditorsRead]
    pagination_class = None
    http_method_names = ["get", "post", "head", "options"]
    query_params = {"list": ("incident", "state")}
    action_permissions = {
        "approve": ["tracker.publish_incident"],
        "reject": ["tracker.publish_incident"],
    }

    def get_queryset(self) -> QuerySet[PendingRevision]:
        rows = PendingRevision.objects.order_by("id")
        if self.action != "list":
            return rows
        params = self.request.query_params
        state = params.get("state", RevisionState.PENDING)
        if state not in RevisionState.values:
            raise serializers.ValidationError(
                {"state": f"One of {', '.join(RevisionState.values)}."}
            )
        rows = rows.filter(state=state)
        incident = params.get("incident")
        if incident is not None:
            if not is_id(incident):
                raise serializers.ValidationError({"incident": "An incident id: digits only."})
            rows = rows.filter(incident_id=int(incident))
        return rows

    @extend_schema(request=None, responses=RevisionSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str) -> Response:
        """Apply the held change; the public page, API and feeds show it from now on."""
        revision = get_object_or_404(PendingRevision, pk=pk)
        revision_approve(revision=revision, user=request.user)
        revision.refresh_from_db()
        return Response(self.get_serializer(revision).data)

    @extend_schema(request=None, responses=RevisionSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str) -> Response:
        """Refuse the held change (a refused addition is deleted with what was added under it)."""
        revision = get_object_or_404(PendingRevision, pk=pk)
        revision_reject(revision=revision, user=request.user)
        revision.refresh_from_db()
        return Response(self.get_serializer(revision).data, status=status.HTTP_200_OK)
