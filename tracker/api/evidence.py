"""/citations/ and /counterclaims/: what ties claims to sources and to each other. Reads show
those of published incidents; editors' tools cite an excerpt (checked against the source's
text at its offsets) or remove a citation, and confirm or dismiss the counterclaims the system
proposed, through the services the pages use."""

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from tracker.api import serializers as s
from tracker.api.errors import HELD_RESPONSE, deleted_answer, held_answer
from tracker.api.resources import PUBLISHED, PublishedSetView
from tracker.enums import ProposalState
from tracker.models import Citation, Counterclaim
from tracker.services.claims import DECIDE_COUNTERCLAIMS, counterclaim_decide
from tracker.services.sources import citation_create, citation_delete


def _published(*paths: str) -> Q:
    """Rows under a published incident, reached through any of PATHS."""
    found = Q(pk__in=[])
    for path in paths:
        found |= Q(**{f"{path}__{key}": value for key, value in PUBLISHED.items()})
    return found


class CitationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, PublishedSetView):
    serializer_class = s.CitationReadSerializer
    http_method_names = ["get", "post", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet[Citation]:
        published = Citation.objects.approved().filter(
            _published("claim__statement__incident", "statement__incident")
        )
        return self.readable(published, Citation.objects.all())

    @extend_schema(request=s.CitationCreateSerializer, responses={201: s.CitationReadSerializer})
    def create(self, request: Request) -> Response:
        form = s.CitationCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        citation = citation_create(**form.validated_data, added_by=request.user)
        return Response(self.get_serializer(citation).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={204: None, 202: HELD_RESPONSE})
    def destroy(self, request: Request, pk: str) -> Response:
        held = citation_delete(citation=get_object_or_404(Citation, pk=pk), user=request.user)
        # A published incident's citation: an editor approves the deletion.
        return deleted_answer(held)


class CounterclaimViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, PublishedSetView):
    serializer_class = s.FlatCounterclaimSerializer
    http_method_names = ["get", "post", "head", "options"]
    # Editors decide, as on the grid (tracker.services.claims.counterclaim_may_decide).
    action_permissions = {"confirm": DECIDE_COUNTERCLAIMS, "dismiss": DECIDE_COUNTERCLAIMS}

    def get_queryset(self) -> QuerySet[Counterclaim]:
        # Reads show the public set: confirmed and approved (proposals are the newsroom's).
        return (
            Counterclaim.objects.public()
            .select_related("claim_a__statement")
            .filter(_published("claim_a__statement__incident"))
        )

    def _decide(self, request: Request, pk: str, state: ProposalState) -> Response:
        form = s.CounterclaimDecisionSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        counterclaim = get_object_or_404(
            Counterclaim.objects.select_related("claim_a__statement"), pk=pk
        )
        held = counterclaim_decide(
            counterclaim=counterclaim, state=state, user=request.user, **form.validated_data
        )
        if held is not None:
            return held_answer(held)
        counterclaim.refresh_from_db()
        return Response(self.get_serializer(counterclaim).data)

    @extend_schema(
        request=s.CounterclaimDecisionSerializer,
        responses={
            200: s.FlatCounterclaimSerializer,
            202: HELD_RESPONSE,
        },
    )
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk: str) -> Response:
        """The two claims do relate so (optionally correcting `relation`)."""
        return self._decide(request, pk, ProposalState.CONFIRMED)

    @extend_schema(
        request=s.CounterclaimDecisionSerializer,
        responses={
            200: s.FlatCounterclaimSerializer,
            202: HELD_RESPONSE,
        },
    )
    @action(detail=True, methods=["post"])
    def dismiss(self, request: Request, pk: str) -> Response:
        """The proposal was wrong: the pair no longer counts towards the dispute status."""
        return self._decide(request, pk, ProposalState.DISMISSED)
