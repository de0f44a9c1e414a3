"""Reads the public site shares: the catalogue as residents see it, search, and saved forms."""

import datetime as dt
import re
from dataclasses import dataclass
from itertools import groupby

from django.core.cache import cache
from django.db import models
from django.db.models import Count, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone

from townhall.cases.drafting import SAVED_DRAFT_LIFETIME
from townhall.cases.models import Draft
from townhall.catalogue.models import Channel, Department, KnowledgeArticle, Service, ServiceStatus

# Each word is one more condition; words past these are ignored.
MAX_SEARCH_WORDS = 8
POPULAR_CACHE_KEY = "portal:popular-services"
POPULAR_CACHE_SECONDS = 60 * 60
POPULAR_WINDOW = dt.timedelta(days=90)


def _published() -> QuerySet[Service]:
    return Service.objects.filter(status=ServiceStatus.PUBLISHED, current_form__isnull=False)


def _on_the_web(services) -> list[Service]:
    # Channels are a short JSON list; filtering here works on PostgreSQL and the demo's SQLite alike.
    return [service for service in services if service.offers(Channel.WEB)]


def web_services() -> list[Service]:
    """Every service a resident can request online, by name."""
    return _on_the_web(_published().select_related("department").order_by("name"))


def web_service(slug: str) -> Service | None:
    service = _published().select_related("department", "current_form").filter(slug=slug).first()
    return service if service is not None and service.offers(Channel.WEB) else None


def by_letter(services: list[Service]) -> list[tuple[str, list[Service]]]:
    """Services grouped under the first letter of their name, as an A to Z lists them."""
    ordered = sorted(services, key=lambda service: service.name.casefold())
    return [(letter, list(group)) for letter, group in groupby(ordered, key=lambda service: service.name[:1].upper())]


def departments_with_services() -> list[Department]:
    """Departments that offer something online, each with `web_services` set."""
    departments = Department.objects.prefetch_related(
        Prefetch("services", queryset=_published().order_by("name"), to_attr="published_services")
    )
    found = []
    for department in departments:
        department.web_services = _on_the_web(department.published_services)
        if department.web_services:
            found.append(department)
    return found


def popular_services(limit: int = 6) -> list[Service]:
    """The online services most asked for lately; counted at most hourly, as counting is not free."""
    ids = cache.get(POPULAR_CACHE_KEY)
    if ids is None:
        since = timezone.now() - POPULAR_WINDOW
        ranked = _published().annotate(recent=Count("cases", filter=Q(cases__submitted_at__gte=since)))
        ids = [service.pk for service in _on_the_web(ranked.order_by("-recent", "name"))][:limit]
        cache.set(POPULAR_CACHE_KEY, ids, POPULAR_CACHE_SECONDS)
    # Checked again: a service may have been withdrawn since it was counted.
    services = {service.pk: service for service in _on_the_web(_published().filter(pk__in=ids))}
    return [services[pk] for pk in ids if pk in services]


def _words(text: str) -> list[str]:
    return re.findall(r"[^\s,]+", text)[:MAX_SEARCH_WORDS]


def _first_when(**lookup) -> models.Case:
    return models.Case(When(**lookup, then=Value(0)), default=Value(1), output_field=models.IntegerField())


def search_services(text: str) -> list[Service]:
    """Online services matching every word of `text`; names matching the whole text first."""
    words = _words(text)
    if not words:
        return []
    found = _published().select_related("department")
    for word in words:
        found = found.filter(
            Q(name__icontains=word)
            | Q(summary__icontains=word)
            | Q(keywords__icontains=word)
            | Q(department__name__icontains=word)
        )
    found = found.annotate(rank=_first_when(name__icontains=text.strip()))
    return _on_the_web(found.order_by("rank", "name"))


@dataclass(frozen=True)
class ArticleResults:
    articles: list[KnowledgeArticle]
    total: int


def search_articles(text: str, limit: int = 20) -> ArticleResults:
    """Published help articles matching every word of `text`; titles matching it first."""
    words = _words(text)
    if not words:
        return ArticleResults([], 0)
    found = KnowledgeArticle.objects.filter(published=True)
    for word in words:
        found = found.filter(
            Q(title__icontains=word)
            | Q(summary__icontains=word)
            | Q(keywords__icontains=word)
            | Q(body__icontains=word)
        )
    found = found.annotate(rank=_first_when(title__icontains=text.strip())).order_by("rank", "title")
    return ArticleResults(list(found[:limit]), found.count())


def published_article(slug: str) -> KnowledgeArticle | None:
    """A help article with the online services it mentions (`web_services`)."""
    article = (
        KnowledgeArticle.objects.filter(published=True, slug=slug)
        .prefetch_related(Prefetch("services", queryset=_published().order_by("name"), to_attr="published_services"))
        .first()
    )
    if article is not None:
        article.web_services = _on_the_web(article.published_services)
    return article


def articles_for(service: Service) -> list[KnowledgeArticle]:
    return list(service.articles.filter(published=True).order_by("title"))


def saved_drafts(user) -> list[Draft]:
    """Forms a resident saved to finish later and still can, newest first."""
    drafts = Draft.objects.filter(
        user=user, saved=True, channel=Channel.WEB, updated_at__gte=timezone.now() - SAVED_DRAFT_LIFETIME
    ).select_related("service")
    return [
        draft
        for draft in drafts.order_by("-updated_at")
        if draft.service.is_published and draft.service.offers(Channel.WEB)
    ]
