"""Finding a place without a map or JavaScript: type a postcode or a street, then choose
from what the gazetteer holds. Form questions and the profile's home address share it."""

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.http import HttpRequest


@dataclass
class Lookup:
    form: forms.Form  # what the page shows: the search, or the choice among what it found
    found: str = ""  # what was searched for, once choosing
    change_url: str = ""  # back to the search
    chosen: forms.Form | None = None  # the valid choice, once made
    blank: bool = False  # an optional search left empty
    redirect_to: str = ""


def find_then_choose(
    request: HttpRequest,
    *,
    find_form: type[forms.Form],
    choose_form: Callable[..., forms.Form],
    param: str,
    required: bool = True,
    find_initial: dict | None = None,
    choose_initial: dict | None = None,
) -> Lookup:
    """The search is posted, then shown in the address (`?<param>=…`) so the choice page
    can be reloaded, bookmarked and gone back to like any other."""
    query = request.GET.copy()
    text = query.pop(param, [""])[-1]
    change_url = f"{request.path}?{query.urlencode()}" if query else request.path
    posted = request.POST if request.method == "POST" else None
    if text:
        finder = find_form({param: text})
        if not finder.is_valid():
            return Lookup(finder, change_url=change_url)
        chooser = choose_form(finder.results, posted, initial=choose_initial)
        found = finder.cleaned_data[param]
        if posted is not None and chooser.is_valid():
            return Lookup(chooser, found=found, change_url=change_url, chosen=chooser)
        return Lookup(chooser, found=found, change_url=change_url)
    if posted is None:
        return Lookup(find_form(initial=find_initial, required=required))
    finder = find_form(posted, required=required)
    if not finder.is_valid():
        return Lookup(finder)
    found = finder.cleaned_data[param]
    if not found:
        return Lookup(finder, blank=True)
    query[param] = found
    return Lookup(finder, redirect_to=f"{request.path}?{query.urlencode()}")
