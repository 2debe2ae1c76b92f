"""Mounted at /api/v1/ with the namespace "api" (config/urls.py)."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from tracker.api.accounts import ApiTokenViewSet, WebhookViewSet
from tracker.api.evidence import CitationViewSet, CounterclaimViewSet
from tracker.api.feeds import FeedViewSet
from tracker.api.incidents import IncidentViewSet
from tracker.api.ledgers import ConflictLedgerView
from tracker.api.resources import (
    ClaimViewSet,
    ConflictViewSet,
    OutletViewSet,
    PartyViewSet,
    SourceViewSet,
    StatementViewSet,
)
from tracker.api.revisions import RevisionViewSet

app_name = "api"

router = DefaultRouter()
router.register("incidents", IncidentViewSet, basename="incident")
router.register("statements", StatementViewSet, basename="statement")
router.register("claims", ClaimViewSet, basename="claim")
router.register("citations", CitationViewSet, basename="citation")
router.register("counterclaims", CounterclaimViewSet, basename="counterclaim")
router.register("sources", SourceViewSet, basename="source")
router.register("outlets", OutletViewSet, basename="outlet")
router.register("parties", PartyViewSet, basename="party")
router.register("conflicts", ConflictViewSet, basename="conflict")
router.register("tokens", ApiTokenViewSet, basename="token")
router.register("webhooks", WebhookViewSet, basename="webhook")
router.register("revisions", RevisionViewSet, basename="revision")
router.register("feeds", FeedViewSet, basename="feed")

urlpatterns = [
    *router.urls,
    path(
        "conflicts/<int:pk>/ledgers/<str:name>/",
        ConflictLedgerView.as_view(),
        name="conflict-ledger",
    ),
]
