"""The public site's finding pages: home, services A to Z, search and help articles."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from townhall.portal import selectors

MAX_QUERY_LENGTH = 100


def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "portal/home.html",
        {"popular": selectors.popular_services(), "departments": selectors.departments_with_services()},
    )


def services(request: HttpRequest) -> HttpResponse:
    departments = selectors.departments_with_services()
    department = next((d for d in departments if d.slug == request.GET.get("department")), None)
    found = department.web_services if department else selectors.web_services()
    return render(
        request,
        "portal/services.html",
        {
            "letters": selectors.by_letter(found),
            "departments": departments,
            "department": department,
            "count": len(found),
        },
    )


def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    context = {"query": query}
    if query:
        context |= {"services": selectors.search_services(query), "articles": selectors.search_articles(query)}
    return render(request, "portal/search.html", context)


def article(request: HttpRequest, slug: str) -> HttpResponse:
    article = selectors.published_article(slug)
    if article is None:
        raise Http404
    return render(request, "portal/article.html", {"article": article})


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/pages/accessibility.html")


def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/pages/privacy.html")
