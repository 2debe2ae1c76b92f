"""schema.org ClaimReview for an incident's public page: one review per claim an editor rated,
each reviewing a Claim whose appearances are the sources cited for it.

The rating scale is 1 (false) to 5 (corroborated), as Google's fact-check markup expects;
`alternateName` carries our verdict's label, which is what readers see."""

import json
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.html import json_script
from django.utils.safestring import SafeString

from tracker.enums import Verdict
from tracker.models import Incident, Party
from tracker.selectors.incidents import incidents_in_full

# Verdict → ratingValue on a 1..5 scale. Unverified has no rating and gets no review.
RATINGS: dict[str, int] = {
    Verdict.FALSE: 1,
    Verdict.MISLEADING: 2,
    Verdict.CONTESTED: 3,
    Verdict.PARTLY_TRUE: 3,
    Verdict.CORROBORATED: 5,
}


def publisher() -> dict[str, str]:
    """The organisation publishing the outputs (author of feeds and ClaimReviews)."""
    return {
        "@type": "Organization",
        "name": getattr(settings, "COUNTERCLAIM_PUBLISHER", "Counterclaim"),
    }


def claimreview_rating(verdict: Verdict | str) -> dict[str, Any] | None:
    value = RATINGS.get(verdict)
    if value is None:
        return None
    return {
        "@type": "Rating",
        "ratingValue": value,
        "bestRating": 5,
        "worstRating": 1,
        "alternateName": Verdict(verdict).label,
    }


def incident_claimreview_jsonld(incident: Incident, *, base_url: str = "") -> list[dict[str, Any]]:
    """ClaimReview objects for INCIDENT (rated claims only), ready for json.dumps. BASE_URL
    (scheme and host) makes the review's url absolute, as search engines want."""
    data = incidents_in_full([incident.pk])
    if not data:
        return []
    whole = data[0]
    page = base_url + reverse("tracker:public-incident", args=[incident.pk])
    parties = dict(
        Party.objects.filter(id__in={s["party"] for s in whole["statements"]}).values_list(
            "id", "name"
        )
    )
    reviews = []
    for statement in whole["statements"]:
        author = {"@type": "Organization", "name": parties[statement["party"]]}
        for claim in statement["claims"]:
            rating = claimreview_rating(claim["verdict"])
            if rating is None:
                continue
            appearances = [
                {
                    "@type": "CreativeWork",
                    "url": citation["source_url"],
                    "headline": citation["source_title"],
                }
                for citation in claim["citations"]
            ]
            reviewed: dict[str, Any] = {"@type": "Claim", "author": author, "text": claim["text"]}
            if statement["issued_at"]:
                reviewed["datePublished"] = statement["issued_at"].date().isoformat()
            if appearances:
                reviewed["firstAppearance"] = appearances[0]
                reviewed["appearance"] = appearances
            reviews.append(
                {
                    "@context": "https://schema.org",
                    "@type": "ClaimReview",
                    "url": f"{page}#claim-{claim['id']}",
                    "claimReviewed": claim["text"],
                    "itemReviewed": reviewed,
                    "author": publisher(),
                    "datePublished": claim["updated_at"].date().isoformat(),
                    "reviewRating": rating,
                }
            )
    return reviews


def jsonld_script(data: Any) -> SafeString:
    """A `<script type="application/ld+json">` element. Django's json_script escapes <, > and &
    so no text inside (a claim quoting "</script>") can end the element early."""
    html = json_script(json.loads(json.dumps(data, default=str)))
    return SafeString(
        html.replace('<script type="application/json">', '<script type="application/ld+json">', 1)
    )
