"""The source page (archived text, cited spans, cite by selection) and the uncited-claims list."""

from typing import Any, cast

from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tracker.forms.citations import CitationForm
from tracker.forms.errors import add_service_errors
from tracker.models import Citation, Claim, Incident, Source, Statement
from tracker.selectors.building import source_incidents
from tracker.selectors.citations import (
    Span,
    cite_choices,
    claim_search,
    source_citations,
    source_near_duplicates,
    source_spans,
    uncited_claims,
)
from tracker.services.claims import claim_create_with_citation
from tracker.services.sources import citation_create

# Primary language subtags written right to left.
RTL_LANGUAGES = {"ar", "arc", "ckb", "dv", "fa", "he", "iw", "ks", "ps", "sd", "ug", "ur", "yi"}


def text_direction(language: str) -> str:
    """`rtl`/`ltr` for a BCP 47 tag; `auto` (the browser decides from the text) when unknown."""
    primary = language.split("-")[0].split("_")[0].lower()
    if not primary:
        return "auto"
    if primary in RTL_LANGUAGES or language.lower().endswith(("-arab", "-hebr")):
        return "rtl"
    return "ltr"


def citation_href(citation: Citation) -> str:
    if citation.claim is not None:
        url = reverse("tracker:incident-detail", args=[citation.claim.statement.incident_id])
        return f"{url}#claim-{citation.claim_id}"
    statement = cast(Statement, citation.statement)  # a citation cites a claim or a statement
    return reverse("tracker:incident-detail", args=[statement.incident_id])


def _text_html(spans: list[Span]) -> SafeString:
    """The source text with each cited span marked (<mark>, not a link: a selection begun or
    ended on a highlight must never navigate away; the list beside the text links each citation
    to its claim, and a click on a highlight brings its entry into view). Built here, not in a
    template, because the container's text must be Source.text exactly, character for character: the
    browser computes citation offsets from it. Carriage returns are written as character
    references, since a literal CR in HTML is turned into a line feed by the parser."""
    parts = []
    anchored: set[int] = set()
    for span in spans:
        text = escape(span.text).replace("\r", "&#13;")
        citation = span.citation
        if citation is None:
            parts.append(text)
            continue
        target = citation.claim.text if citation.claim is not None else str(citation.statement)
        ids = " ".join(str(c.pk) for c in span.citations)
        overlap = " overlap" if len(span.citations) > 1 else ""
        # The grid's "archived source" link lands at the passage's first span.
        anchor = "".join(
            f'<span id="passage-{c.pk}"></span>' for c in span.citations if c.pk not in anchored
        )
        anchored.update(c.pk for c in span.citations)
        parts.append(
            f'{anchor}<mark class="cited{overlap}" data-href="{escape(citation_href(citation))}"'
            f' data-citations="{ids}" title="{escape(target)}">{text}</mark>'
        )
    return mark_safe("".join(parts))  # every piece escaped above


def _page_context(
    source: Source,
    form: CitationForm,
    *,
    also_claim: Claim | None = None,
    also_incident_id: int | None = None,
    saved: Citation | None = None,
) -> dict[str, Any]:
    citations = source_citations(source=source)
    return {
        "source": source,
        "direction": text_direction(source.language),
        "text_html": _text_html(source_spans(text=source.text, citations=citations)),
        "citations": [(citation, citation_href(citation)) for citation in citations],
        "choices": cite_choices(
            citations=citations, also_claim=also_claim, also_incident_id=also_incident_id
        ),
        "near_duplicates": source_near_duplicates(source=source),
        "incidents": source_incidents(source),
        "form": form,
        "saved": saved,
        "incident_id": also_incident_id,
    }


def _save_citation(form: CitationForm, source: Source, user: Any) -> Citation:
    """The form's citation, of a claim it names or of one it creates with it."""
    data = form.cleaned_data
    if form.creates_claim:
        return claim_create_with_citation(
            statement=data["statement"],
            aspect=data["aspect"],
            text=data["claim_text"],
            source=source,
            excerpt=data["excerpt"],
            start_offset=data["start_offset"],
            user=user,
        )
    return citation_create(
        source=source,
        excerpt=data["excerpt"],
        start_offset=data["start_offset"],
        claim=data["claim"],
        added_by=user,
    )


def _forbidden(request: HttpRequest, source: Source, form: CitationForm) -> HttpResponse:
    message = _("Your role may read sources but not add citations or claims.")
    if not getattr(request, "htmx", False):
        return HttpResponseForbidden(message)
    form.add_error(None, message)
    context = _page_context(source, form)
    return render(request, "tracker/partials/cite_panel.html", context, status=403)


def _opened_from(incident_pk: str) -> int | None:
    """The live incident the page was opened from (`?incident=`, kept in the form as it posts),
    whose statements a new claim may be part of; anything else is ignored."""
    if not incident_pk.isdigit():
        return None
    return Incident.objects.live().filter(pk=incident_pk).values_list("pk", flat=True).first()


@login_required
@require_http_methods(["GET", "POST"])
def source_detail(request: HttpRequest, pk: int) -> HttpResponse:
    source = get_object_or_404(Source.objects.select_related("outlet", "near_duplicate_of"), pk=pk)
    if request.method == "GET":
        claim_pk = request.GET.get("claim", "")
        also = Claim.objects.filter(pk=claim_pk).first() if claim_pk.isdigit() else None
        incident_id = _opened_from(request.GET.get("incident", ""))
        form = CitationForm(initial={"claim": also.pk} if also else None)
        context = _page_context(source, form, also_claim=also, also_incident_id=incident_id)
        return render(request, "tracker/source_detail.html", context)

    form = CitationForm(request.POST)
    incident_id = _opened_from(request.POST.get("incident", ""))
    if not request.user.has_perm("tracker.add_citation"):
        return _forbidden(request, source, form)
    saved = None
    if form.is_valid():
        if form.creates_claim and not request.user.has_perm("tracker.add_claim"):
            return _forbidden(request, source, form)
        try:
            saved = _save_citation(form, source, request.user)
        except ValidationError as exc:
            add_service_errors(form, exc, renamed={"text": "claim_text"})
    if saved is not None and not getattr(request, "htmx", False):
        return redirect(f"{reverse('tracker:source-detail', args=[source.pk])}#cite-result")
    if saved is not None:
        # A fresh form for the next passage; the new highlight arrives out of band.
        context = _page_context(
            source,
            CitationForm(initial={"claim": saved.claim_id}),
            also_incident_id=incident_id,
            saved=saved,
        )
        return render(request, "tracker/partials/cite_saved.html", context)
    template = (
        "tracker/partials/cite_panel.html"
        if getattr(request, "htmx", False)
        else "tracker/source_detail.html"
    )
    context = _page_context(source, form, also_incident_id=incident_id)
    return render(request, template, context, status=422)


@login_required
@permission_required("tracker.add_citation", raise_exception=True)
@require_GET
def source_claim_search(request: HttpRequest, pk: int) -> HttpResponse:
    """The claim and statement choices of incidents matching `q` (htmx), above the usual ones."""
    source = get_object_or_404(Source, pk=pk)
    query = request.GET.get("q", "")
    found = claim_search(query=query)
    usual = cite_choices(citations=source_citations(source=source))
    seen = {group.incident.pk for group in found}
    context = {
        "choices": found + [group for group in usual if group.incident.pk not in seen],
        "query": query,
        "found": found,
        "form": CitationForm(),
    }
    return render(request, "tracker/partials/cite_choices.html", context)


@login_required
@require_GET
def claims_uncited(request: HttpRequest) -> HttpResponse:
    page, groups = uncited_claims(page_number=request.GET.get("page"))
    return render(request, "tracker/claims_uncited.html", {"page_obj": page, "groups": groups})
