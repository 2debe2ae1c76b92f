"""The other read resources: statements and claims of published incidents (flat, for queries
across incidents), the sources those cite, outlets, parties and conflicts. Editors may edit a
claim (text, verdict) through the claim services."""

from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Count, Exists, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from tracker.api import serializers as s
from tracker.api.base import StrictApiMixin
from tracker.api.conditional import ConditionalGetMixin
from tracker.api.errors import HELD_RESPONSE, deleted_answer, held_answer
from tracker.api.filters import ClaimFilter, PartyFilter, SourceFilter, StatementFilter
from tracker.api.pagination import IdPagination, KeysetPagination
from tracker.api.permissions import is_editor
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
from tracker.services.claims import claim_create, claim_delete, claim_set_verdict, claim_update
from tracker.services.intake import source_create_from_url
from tracker.services.sources import source_create
from tracker.services.statements import statement_create, statement_delete

PUBLISHED = {"state": EditorialState.PUBLISHED, "merged_into__isnull": True}


def _side_of(party_ref: str, conflict_ref: str) -> Subquery:
    """The side the statement's party speaks for in the incident's conflict."""
    return Subquery(
        Alignment.objects.filter(
            party_id=OuterRef(party_ref), side__conflict_id=OuterRef(conflict_ref)
        ).values("side_id")[:1],
        output_field=IntegerField(),
    )


class PublishedSetView(StrictApiMixin, ConditionalGetMixin, viewsets.GenericViewSet):
    """Everything under an incident changes its incident's stamp, so the published set's last
    change is a valid Last-Modified for these lists too."""

    pagination_class = KeysetPagination
    filter_backends = [DjangoFilterBackend]

    def last_modified(self, request: Request) -> datetime | None:
        return published_last_modified()

    def readable(self, published: QuerySet, everything: QuerySet) -> QuerySet:
        """Lists are the published set for everyone. One row by id is what its writer gets
        back: an editor reads any row (a draft's, or one the publish gate still holds), so
        what an editor's tool just created can be read at its address."""
        if self.action == "retrieve" and is_editor(self.request):
            return everything
        return published


class StatementViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, PublishedSetView):
    """Reads: statements of published incidents. Writes (editors' tools): create and delete
    through the statement services, the same the pages use."""

    serializer_class = s.FlatStatementSerializer
    filterset_class = StatementFilter
    http_method_names = ["get", "post", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet[Statement]:
        published = self.editable(public=True).filter(
            **{f"incident__{key}": value for key, value in PUBLISHED.items()}
        )
        return self.readable(published, self.editable())

    def editable(self, *, public: bool = False) -> QuerySet[Statement]:
        """Statements as the API shows one; PUBLIC leaves out what the publish gate holds.
        Writers act on (and get back) every statement."""
        statements = Statement.objects.approved() if public else Statement.objects.all()
        claims = Claim.objects.approved() if public else Claim.objects.all()
        return statements.annotate(
            side=_side_of("party_id", "incident__conflict_id"),
            claim_count=Coalesce(
                Subquery(
                    claims.filter(statement=OuterRef("pk"))
                    .order_by()
                    .values("statement")
                    .annotate(n=Count("id"))
                    .values("n"),
                    output_field=IntegerField(),
                ),
                0,
            ),
        )

    @extend_schema(request=s.StatementCreateSerializer, responses={201: s.FlatStatementSerializer})
    def create(self, request: Request) -> Response:
        form = s.StatementCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        statement = statement_create(**form.validated_data, user=request.user)
        return _created(self, self.editable().get(pk=statement.pk))

    @extend_schema(responses={204: None, 202: HELD_RESPONSE})
    def destroy(self, request: Request, pk: str) -> Response:
        """With its claims and citations; an editor can restore it from the history. Held for
        an editor's approval (202) in a published incident."""
        held = statement_delete(
            statement=get_object_or_404(self.editable(), pk=pk), user=request.user
        )
        return deleted_answer(held)


class ClaimViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, PublishedSetView):
    serializer_class = s.FlatClaimSerializer
    filterset_class = ClaimFilter
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    action_permissions = {"partial_update": ["tracker.change_claim"]}

    def get_queryset(self) -> QuerySet[Claim]:
        published = self.editable(public=True).filter(
            **{f"statement__incident__{key}": value for key, value in PUBLISHED.items()}
        )
        return self.readable(published, self.editable())

    def editable(self, *, public: bool = False) -> QuerySet[Claim]:
        """Claims as the API shows one; PUBLIC leaves out what the publish gate holds."""
        claims = Claim.objects.approved() if public else Claim.objects.all()
        citations = Citation.objects.approved() if public else Citation.objects.all()
        return claims.select_related("statement").annotate(
            side=_side_of("statement__party_id", "statement__incident__conflict_id"),
            citation_count=Coalesce(
                Subquery(
                    citations.filter(claim=OuterRef("pk"))
                    .order_by()
                    .values("claim")
                    .annotate(n=Count("id"))
                    .values("n"),
                    output_field=IntegerField(),
                ),
                0,
            ),
        )

    @extend_schema(
        request=s.ClaimUpdateSerializer,
        responses={
            200: s.FlatClaimSerializer,
            202: HELD_RESPONSE,
            409: OpenApiResponse(description="Stale version."),
        },
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        """Edit a claim's text or verdict, as the editorial UI does (same checks, same history)."""
        claim = get_object_or_404(self.editable(), pk=pk)
        form = s.ClaimUpdateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data: dict[str, Any] = dict(form.validated_data)
        version = data.pop("version")
        with transaction.atomic():
            held = self._edit(claim, version, data)
        if held is not None:
            return held_answer(held)
        return Response(self.get_serializer(self.editable().get(pk=claim.pk)).data)

    @extend_schema(request=s.ClaimCreateSerializer, responses={201: s.FlatClaimSerializer})
    def create(self, request: Request) -> Response:
        form = s.ClaimCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        claim = claim_create(**form.validated_data, user=request.user)
        return _created(self, self.editable().get(pk=claim.pk))

    @extend_schema(responses={204: None, 202: HELD_RESPONSE})
    def destroy(self, request: Request, pk: str) -> Response:
        """With its citations and counterclaims; restorable from the history. Held for an
        editor's approval (202) in a published incident."""
        held = claim_delete(claim=get_object_or_404(self.editable(), pk=pk), user=request.user)
        return deleted_answer(held)

    def _edit(
        self, claim: Claim, version: int | None, data: dict[str, Any]
    ) -> PendingRevision | None:
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


class SourceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, PublishedSetView):
    """Sources cited in published incidents; never their text (the publisher's copyright)."""

    serializer_class = s.SourceSerializer
    filterset_class = SourceFilter
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self) -> QuerySet[Source]:
        via_claim = Citation.objects.approved().filter(
            source=OuterRef("pk"),
            **{f"claim__statement__incident__{key}": value for key, value in PUBLISHED.items()},
        )
        via_statement = Citation.objects.approved().filter(
            source=OuterRef("pk"),
            **{f"statement__incident__{key}": value for key, value in PUBLISHED.items()},
        )
        published = Source.objects.filter(Exists(via_claim) | Exists(via_statement))
        return self.readable(published, Source.objects.all())

    @extend_schema(request=s.SourceCreateSerializer, responses={201: s.SourceSerializer})
    def create(self, request: Request) -> Response:
        """By URL alone (fetched, extracted and archived as ingest does, through the same
        guard against private addresses), or with the text you supply. A known URL answers
        the existing source."""
        form = s.SourceCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = dict(form.validated_data)
        if "text" in data:
            source = source_create(**data)
        else:
            source = source_create_from_url(url=data["url"], **_only(data, "kind"))
        return _created(self, source)


def _only(data: dict[str, Any], *names: str) -> dict[str, Any]:
    return {name: data[name] for name in names if name in data}


def _created(view: Any, obj: Any) -> Response:
    return Response(view.get_serializer(obj).data, status=status.HTTP_201_CREATED)


class OutletViewSet(StrictApiMixin, ConditionalGetMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Outlet.objects.all()
    serializer_class = s.OutletSerializer
    pagination_class = IdPagination


class ConflictViewSet(StrictApiMixin, ConditionalGetMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Conflict.objects.prefetch_related("sides")
    serializer_class = s.ConflictSerializer
    pagination_class = KeysetPagination


class PartyViewSet(StrictApiMixin, ConditionalGetMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Party.objects.prefetch_related("aliases", "sides")
    serializer_class = s.PartySerializer
    pagination_class = KeysetPagination
    filter_backends = [DjangoFilterBackend]
    filterset_class = PartyFilter
