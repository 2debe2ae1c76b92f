from collections.abc import Callable
from typing import Any

from django.urls import URLPattern, path

from tracker.views import (
    building,
    collab,
    conflict_setup,
    conflicts,
    editorial,
    health,
    history,
    inbox,
    incidents,
    public,
    sources,
    websub,
)

app_name = "tracker"


def _conflict_urls(
    prefix: str, page: Callable[..., Any], incidents: Callable[..., Any], ledger: Callable[..., Any]
) -> list[URLPattern]:
    """A conflict's page, incident list and ledgers: for editors, and under "p/" for readers
    (named "public-…")."""
    public = "public-" if prefix else ""
    base = f"{prefix}conflicts/<slug:slug>/"
    return [
        path(base, page, name=f"{public}conflict"),
        path(f"{base}incidents/", incidents, name=f"{public}conflict-incidents"),
        path(f"{base}ledgers/<str:name>.<str:fmt>", ledger, name=f"{public}conflict-ledger"),
    ]


urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("websub/<int:feed_id>/", websub.websub_callback, name="websub-callback"),
    path("incidents/", incidents.incident_list, name="incident-list"),
    path("incidents/new/", building.incident_new, name="incident-new"),
    path("incidents/clusters/", incidents.incident_clusters, name="incident-clusters"),
    path("incidents/<int:pk>/", incidents.incident_detail, name="incident-detail"),
    path("incidents/<int:pk>/statements/new/", building.statement_new, name="statement-new"),
    path("incidents/<int:pk>/claims/new/", building.claim_new, name="claim-new"),
    path("incidents/<int:pk>/sources/new/", building.source_new, name="incident-source-new"),
    path("sources/new/", building.source_new, name="source-new"),
    path("sources/<int:pk>/archived/", building.source_archived, name="source-archived"),
    path("incidents/<int:pk>/edit/", editorial.incident_edit, name="incident-edit"),
    path("incidents/<int:pk>/submit/", editorial.incident_submit, name="incident-submit"),
    path("incidents/<int:pk>/publish/", editorial.incident_publish_view, name="incident-publish"),
    path("incidents/<int:pk>/retract/", editorial.incident_retract_view, name="incident-retract"),
    path("incidents/<int:pk>/merge/", editorial.incident_merge_view, name="incident-merge"),
    path("incidents/<int:pk>/unmerge/", editorial.incident_unmerge_view, name="incident-unmerge"),
    path("statements/<int:pk>/edit/", editorial.statement_edit, name="statement-edit"),
    path("claims/<int:pk>/edit/", editorial.claim_edit, name="claim-edit"),
    path("claims/<int:pk>/delete/", editorial.claim_delete_view, name="claim-delete"),
    path("statements/<int:pk>/delete/", editorial.statement_delete_view, name="statement-delete"),
    path("claims/<int:pk>/verdict/", editorial.claim_verdict, name="claim-verdict"),
    path("claims/<int:pk>/counterclaim/", editorial.claim_counterclaim, name="claim-counterclaim"),
    path(
        "counterclaims/<int:pk>/decide/",
        editorial.counterclaim_decide_view,
        name="counterclaim-decide",
    ),
    path("revisions/<int:pk>/decide/", editorial.revision_decide, name="revision-decide"),
    path(
        "incidents/<int:pk>/revisions/approve/",
        editorial.revisions_approve_all_view,
        name="revisions-approve-all",
    ),
    path("p/incidents/<int:pk>/", public.public_incident, name="public-incident"),
    path("setup/conflicts/", conflict_setup.conflict_list, name="conflict-setup-list"),
    path("setup/conflicts/<slug:slug>/", conflict_setup.conflict_edit, name="conflict-setup"),
    path(
        "setup/conflicts/<slug:slug>/sides/<int:pk>/",
        conflict_setup.side_edit,
        name="conflict-side-edit",
    ),
    path(
        "setup/conflicts/<slug:slug>/parties/<int:pk>/",
        conflict_setup.party_edit,
        name="conflict-party-edit",
    ),
    path("setup/conflicts/<slug:slug>/aliases/", conflict_setup.aliases, name="conflict-aliases"),
    path(
        "setup/conflicts/<slug:slug>/aliases/<int:pk>/delete/",
        conflict_setup.alias_remove,
        name="conflict-alias-delete",
    ),
    *_conflict_urls(
        "", conflicts.conflict_page, conflicts.conflict_incidents, conflicts.conflict_ledger
    ),
    *_conflict_urls(
        "p/",
        conflicts.public_conflict_page,
        conflicts.public_conflict_incidents,
        conflicts.public_conflict_ledger,
    ),
    path("sources/<int:pk>/", sources.source_detail, name="source-detail"),
    path(
        "sources/<int:pk>/claim-search/",
        sources.source_claim_search,
        name="source-claim-search",
    ),
    path("claims/uncited/", sources.claims_uncited, name="claims-uncited"),
    path("inbox/", inbox.inbox, name="inbox"),
    path("inbox/dismiss/", inbox.proposals_dismiss_view, name="proposals-dismiss"),
    path(
        "inbox/proposals/<int:pk>/<str:action>/",
        inbox.proposal_decide,
        name="proposal-decide",
    ),
    path("me/", collab.my_work_page, name="my-work"),
    path("me/notifications/read/", collab.notifications_read, name="notifications-read"),
    path("me/notifications/<int:pk>/", collab.notification_open, name="notification-open"),
    path("incidents/<int:pk>/comments/", collab.comment_add, name="comment-add"),
    path("comments/<int:pk>/", collab.comment_change, name="comment-change"),
    path("incidents/<int:pk>/activity/", collab.activity, name="incident-activity"),
    path("incidents/<int:pk>/assign/", collab.assign, name="incident-assign"),
    path("history/deleted/", history.deleted_list, name="history-deleted"),
    path("history/<str:model>/<int:pk>/", history.history, name="history"),
    path("history/<str:model>/<int:pk>/restore/", history.deleted_restore, name="history-restore"),
]
