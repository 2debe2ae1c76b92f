from django.http import HttpRequest, HttpResponse


def incident_list(request: HttpRequest) -> HttpResponse:
    return HttpResponse("")


def incident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return HttpResponse("")
