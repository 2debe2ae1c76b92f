"""The other read resources: statements and claims of published incidents (flat, for queries
across incidents), the sources those cite, outlets, parties and conflicts. Editors may edit a
claim (text, verdict) through the claim services."""

from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Count, Exists, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from tracker.api import serializers as s
from tracker.api.conditional import ConditionalGetMixin
from tracker.api.errors import held_answer
from tracker.api.filters import ClaimFilter, PartyFilter, SourceFilter, StatementFilter
from tracker.api.pagination import IdPagination, KeysetPagination
from tracker.api.sync import published_last_modified
from tracker.enums import EditorialState
from tracker.models import (
    Alignment,
    Citation,
    Claim,
    Conflict,
    Outlet,
    Party,
    PendingRevision,
    Source,
    Statement,
)
from tracker.services.claims import claim_set_verdict, claim_update

PUBLISHED = {"state": EditorialState.PUBLISHED, "merged_into__isnull": True}


def _side_of(party_ref: str, conflict_ref: str) -> Subquery:
    """The side the statement's party speaks for in the incident's conflict."""
    return Subquery(
        Alignment.objects.filter(
            party_id=OuterRef(party_ref), side__conflict_id=OuterRef(conflict_ref)
        ).values("side_id")[:1],
        output_field=IntegerField(),
    )


class _PublishedSetView(ConditionalGetMixin, viewsets.GenericViewSet):
    """Everything under an incident changes its incident's stamp, so the published set's last
    change is a valid Last-Modified for these lists too."""

    pagination_class = KeysetPagination
    filter_backends = [DjangoFilterBackend]

    def last_modified(self, request: Request) -> datetime | None:
        return published_last_modified()


class StatementViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _PublishedSetView):
    serializer_class = s.FlatStatementSerializer
    filterset_class = StatementFilter

    def get_queryset(self) -> QuerySet[Statement]:
        return (
            Statement.objects.approved()
            .filter(**{f"incident__{key}": value for key, value in PUBLISHED.items()})
            .annotate(
                side=_side_of("party_id", "incident__conflict_id"),
                claim_count=Coalesce(
                    Subquery(
                        Claim.objects.approved()
                        .filter(statement=OuterRef("pk"))
                        .order_by()
                        .values("statement")
                        .annotate(n=Count("id"))
                        .values("n"),
                        output_field=IntegerField(),
                    ),
                    0,
                ),
            )
        )


class ClaimViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _PublishedSetView):
    serializer_class = s.FlatClaimSerializer
    filterset_class = ClaimFilter
    http_method_names = ["get", "patch", "head", "options"]
    action_permissions = {"partial_update": ["tracker.change_claim"]}

    def get_queryset(self) -> QuerySet[Claim]:
        return (
            Claim.objects.approved()
            .filter(**{f"statement__incident__{key}": value for key, value in PUBLISHED.items()})
            .select_related("statement")
            .annotate(
                side=_side_of("statement__party_id", "statement__incident__conflict_id"),
                citation_count=Coalesce(
                    Subquery(
                        Citation.objects.approved()
                        .filter(claim=OuterRef("pk"))
                        .order_by()
                        .values("claim")
                        .annotate(n=Count("id"))
                        .values("n"),
                        output_field=IntegerField(),
                    ),
                    0,
                ),
            )
        )

    @extend_schema(
        request=s.ClaimUpdateSerializer,
        responses={
            200: s.FlatClaimSerializer,
            202: OpenApiResponse(description="Held for an editor's approval (published)."),
            409: OpenApiResponse(description="Stale version."),
        },
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        """Edit a claim's text or verdict, as the editorial UI does (same checks, same history)."""
        claim = self.get_object()
        form = s.ClaimUpdateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data: dict[str, Any] = dict(form.validated_data)
        version = data.pop("version")
        with transaction.atomic():
            held = self._edit(claim, version, data)
        if held is not None:
            return held_answer(held)
        return Response(self.get_serializer(self.get_queryset().get(pk=claim.pk)).data)

    def _edit(self, claim: Claim, version: int, data: dict[str, Any]) -> PendingRevision | None:
        """The verdict applies at once (an editor's review act); other fields are held for
        approval on a published incident: the revision is returned then."""
        if "verdict" in data:
            claim = claim_set_verdict(
                claim=claim,
                verdict=data.pop("verdict"),
                note=data.pop("verdict_note", claim.verdict_note),
                expected_version=version,
            )
            version = None  # checked by the verdict change, in the same transaction below
        if data:
            return claim_update(
                claim=claim, expected_version=version, user=self.request.user, **data
            )
        return None


class SourceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _PublishedSetView):
    """Sources cited in published incidents; never their text (the publisher's copyright)."""

    serializer_class = s.SourceSerializer
    filterset_class = SourceFilter

    def get_queryset(self) -> QuerySet[Source]:
        via_claim = Citation.objects.approved().filter(
            source=OuterRef("pk"),
            **{f"claim__statement__incident__{key}": value for key, value in PUBLISHED.items()},
        )
        via_statement = Citation.objects.approved().filter(
            source=OuterRef("pk"),
            **{f"statement__incident__{key}": value for key, value in PUBLISHED.items()},
        )
        return Source.objects.filter(Exists(via_claim) | Exists(via_statement))


class OutletViewSet(ConditionalGetMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Outlet.objects.all()
    serializer_class = s.OutletSerializer
    pagination_class = IdPagination


class ConflictViewSet(ConditionalGetMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Conflict.objects.prefetch_related("sides")
    serializer_class = s.ConflictSerializer
    pagination_class = KeysetPagination


class PartyViewSet(ConditionalGetMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Party.objects.prefetch_related("aliases", "sides")
    serializer_class = s.PartySerializer
    pagination_class = KeysetPagination
    filter_backends = [DjangoFilterBackend]
    filterset_class = PartyFilter
