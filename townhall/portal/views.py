from django.http import Http404, HttpRequest, HttpResponse


def track(request: HttpRequest) -> HttpResponse:
    raise Http404  # replaced by the public site's tracking page
