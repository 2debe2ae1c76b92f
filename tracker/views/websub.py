"""The WebSub callback a hub calls: GET to verify a subscription we asked for, POST to push
new content (signed with the secret we gave it). Not a page: plain text answers for the hub."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from tracker.services.websub import websub_receive, websub_verify


@csrf_exempt  # the hub is not a browser session; pushes are authenticated by their HMAC
@require_http_methods(["GET", "POST"])
def websub_callback(request: HttpRequest, feed_id: int) -> HttpResponse:
    if request.method == "GET":
        challenge = websub_verify(
            feed_id=feed_id,
            mode=request.GET.get("hub.mode", ""),
            topic=request.GET.get("hub.topic", ""),
            challenge=request.GET.get("hub.challenge", ""),
            lease_seconds=request.GET.get("hub.lease_seconds", ""),
            reason=request.GET.get("hub.reason", ""),
        )
        if challenge is None:
            return HttpResponse(
                "no such subscription request", status=404, content_type="text/plain"
            )
        return HttpResponse(challenge, content_type="text/plain")
    outcome = websub_receive(
        feed_id=feed_id,
        # Read up to one byte past the cap (not request.body, limited to Django's 2.5 MB).
        body=request.read(settings.COUNTERCLAIM_FETCH_MAX_BYTES + 1),
        signature=request.headers.get("X-Hub-Signature", ""),
        content_type=request.content_type or "",
    )
    return HttpResponse(outcome.message, status=outcome.status, content_type="text/plain")
