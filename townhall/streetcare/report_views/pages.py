"""What every page of the report journey shares: loading the report in progress, keeping
people to the steps in order, the way back, and the map's settings."""

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from townhall.cases import drafting
from townhall.catalogue.questions import Question
from townhall.streetcare import journey
from townhall.streetcare.journey import STEPS, Progress
from townhall.streetcare.photos import discard_pending


def journey_page(step: str) -> Callable:
    """A page of the journey at `step`: given the report in progress, or sent back to the
    first step still to do before it. Auditors may look but never change anything."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method == "POST" and not journey.may_report(request):
                raise PermissionDenied
            report = journey.load(request)
            if report is None:
                return redirect("street_report:where")
            progress = journey.progress(request, report)
            current, url = progress.step()
            if STEPS.index(current) < STEPS.index(step):
                return redirect(url)
            return view(request, progress, *args, **kwargs)

        return wrapped

    return decorator


def onward(request: HttpRequest, progress: Progress) -> HttpResponse:
    """After a step is done: save the report and go to the first step still to do."""
    journey.save(request, progress.report)
    return redirect(progress.step()[1])


def back_url(progress: Progress, step: str, question: Question | None = None) -> str:
    """The page before this one, among the steps this report has."""
    route = [("where", reverse("street_report:where")), ("category", reverse("street_report:category"))]
    if progress.category is not None and progress.category.asset_layer_id:
        route.append(("asset", reverse("street_report:asset")))
    route += [(f"question:{q.key}", reverse("street_report:question", args=[q.key])) for q in progress.questions()]
    route += [(name, reverse(f"street_report:{name}")) for name in ("describe", "photos", "details")]
    if step == "check" and progress.nearby:
        route.append(("nearby", reverse("street_report:nearby")))
    here = f"question:{question.key}" if question else step
    names = [name for name, _url in route]
    return route[names.index(here) - 1][1] if here in names[1:] else reverse("street_report:where")


def render_step(request: HttpRequest, template: str, progress: Progress | None, step: str, context: dict, **kwargs):
    return render(
        request,
        f"streetcare/report/{template}",
        {
            "progress": progress,
            "for_caller": journey.for_caller(request),
            "back_url": back_url(progress, step, context.get("question")) if progress else "",
            **context,
        },
        **kwargs,
    )


def map_settings(latitude=None, longitude=None) -> dict:
    centre = settings.MAP_CENTRE
    return {
        "tiles": settings.MAP_TILE_URL,
        "attribution": settings.MAP_ATTRIBUTION,
        "latitude": latitude if latitude is not None else centre[0],
        "longitude": longitude if longitude is not None else centre[1],
        "zoom": max(settings.MAP_ZOOM, 17),
    }


def finish(request: HttpRequest, progress: Progress, *, keep: frozenset[str] = frozenset()) -> None:
    """The report is sent (or was another's all along): its draft and waiting photos go."""
    if progress.draft is not None:
        drafting.discard_draft(draft=progress.draft, keep=keep)
    discard_pending([photo["path"] for photo in progress.report.photos])
    journey.forget(request)
