"""Taking a contact: find or create the caller, verify them, help them, end the contact.

A telephony system opens `/staff/contacts/new/?phone=…` when a call comes in; the
number finds the caller where it can.
"""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from townhall.accounts.permissions import CASE_WORKERS
from townhall.cases.models import Case
from townhall.cases.selectors import case_list, public_timeline, recent_customer_cases, visible_cases
from townhall.catalogue.models import Channel, KnowledgeArticle
from townhall.console import contacts, selectors
from townhall.console.access import console_view
from townhall.console.contacts import ContactInProgress
from townhall.console.forms.contacts import ContactStartForm, EndContactForm, VerifyForm
from townhall.console.once import Repeated, act_once, earlier_result
from townhall.console.paging import search_text
from townhall.console.timeline import described
from townhall.console.views.customers import customer_form_page
from townhall.customers import selectors as customer_selectors
from townhall.customers import services as customer_services
from townhall.customers.models import Customer, Outcome

contact_view = console_view(*CASE_WORKERS)


def _first_page(request: HttpRequest, contact: ContactInProgress) -> str:
    """One customer with the number: theirs is the contact. None: a new customer. Several: choose."""
    matches = list(customer_selectors.customers_with_phone(contact.phone)[:2]) if contact.phone else []
    if len(matches) == 1:
        contact.identify(matches[0])
        contacts.save(request, contact)
    elif not matches and contact.phone:
        return reverse("console:contact_new_customer", args=[contact.token])
    return contact.url


@contact_view
def contact_start(request: HttpRequest) -> HttpResponse:
    """Start a contact, once however often the page is reloaded, gone back to or sent."""
    if request.method == "GET" and "phone" in request.GET:
        phone = request.GET["phone"].strip()[:30]
        # The telephony link opened again (a reload, the back button) is the call in progress.
        if call := contacts.call_in_progress(request, phone):
            return redirect(call.url)
        return redirect(_first_page(request, contacts.start(request, channel=Channel.PHONE, phone=phone)))
    form = ContactStartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            url = act_once(request, lambda: _first_page(request, contacts.start(request, **form.cleaned_data)))
        except Repeated as repeat:
            return redirect(repeat.redirect_to)
        return redirect(url)
    return render(request, "console/contact_start.html", {"form": form})


@contact_view
def contact(request: HttpRequest, token: str) -> HttpResponse:
    return _contact_page(request, contacts.get_or_404(request, token))


def _contact_page(request: HttpRequest, contact: ContactInProgress, *, verify_form=None) -> HttpResponse:
    caller = contacts.caller(contact)
    context = {"contact": contact, "caller": caller, "verify_form": verify_form or VerifyForm()}
    if caller is None:
        query = search_text(request)
        if query:
            found = customer_selectors.search_customers(query)
        elif contact.phone:
            found = customer_selectors.customers_with_phone(contact.phone)
        else:
            found = Customer.objects.none()
        context.update(query=query, found=found[:20])
    else:
        context.update(
            alerts=customer_selectors.active_alerts(caller), recent_cases=recent_customer_cases(request.user, caller)
        )
    context["raised"] = case_list(visible_cases(request.user).filter(reference__in=contact.raised))
    context["hidden_raised"] = len(contact.raised) - len(context["raised"])
    context["form"] = verify_form
    return render(request, "console/contact.html", context, status=400 if verify_form else 200)


@require_POST
@contact_view
def contact_caller(request: HttpRequest, token: str) -> HttpResponse:
    """Choose the caller (by record), go on without one, or start looking again."""
    contact = contacts.get_or_404(request, token)
    if "customer" in request.POST:
        if not request.POST["customer"].isdigit():
            raise Http404
        contact.identify(get_object_or_404(Customer, pk=request.POST["customer"], merged_into__isnull=True))
    else:
        contact.identify(None, anonymous="anonymous" in request.POST)
    contacts.save(request, contact)
    return redirect(contact.url)


@contact_view
def contact_new_customer(request: HttpRequest, token: str) -> HttpResponse:
    contact = contacts.get_or_404(request, token)

    def save(details: dict) -> str:
        contact.identify(customer_services.create_customer(by=request.user, **details))
        contacts.save(request, contact)
        return contact.url

    return customer_form_page(request, customer=None, save=save, back_url=contact.url, initial={"phone": contact.phone})


@require_POST
@contact_view
def contact_verify(request: HttpRequest, token: str) -> HttpResponse:
    contact = contacts.get_or_404(request, token)
    caller = contacts.caller(contact)
    if caller is None:
        raise Http404
    form = VerifyForm(request.POST)
    if form.is_valid():
        if customer_services.verify_caller(customer=caller, by=request.user, **form.cleaned_data):
            contact.verified = True
            contacts.save(request, contact)
            messages.success(request, _("The caller is verified"))
            return redirect(contact.url)
        form.add_error(None, _("The details do not match the record. Do not discuss their requests or details."))
    return _contact_page(request, contact, verify_form=form)


@contact_view
def contact_articles(request: HttpRequest, token: str) -> HttpResponse:
    contact = contacts.get_or_404(request, token)
    query = search_text(request)
    articles = selectors.search_articles(query) if query else []
    return render(request, "console/contact_articles.html", {"contact": contact, "query": query, "articles": articles})


@contact_view
def contact_article(request: HttpRequest, token: str, article_id: int) -> HttpResponse:
    contact = contacts.get_or_404(request, token)
    article = get_object_or_404(KnowledgeArticle, pk=article_id, published=True)
    if request.method == "POST":
        contact.article_id = article.pk
        contacts.save(request, contact)
        messages.success(request, _("Recorded that you answered with “%(title)s”") % {"title": article.title})
        return redirect(contact.url)
    return render(
        request,
        "console/contact_article.html",
        {"contact": contact, "article": article, "paragraphs": [p for p in article.body.split("\n\n") if p.strip()]},
    )


@contact_view
def contact_case(request: HttpRequest, token: str, reference: str) -> HttpResponse:
    """A caller's case, as much as can be read out to them, once they are verified."""
    contact = contacts.get_or_404(request, token)
    caller = contacts.caller(contact)
    if caller is None or not contact.verified:
        messages.error(request, _("Verify the caller before you discuss their requests"))
        return redirect(contact.url)
    case: Case = get_object_or_404(case_list(visible_cases(request.user)), reference=reference, customer=caller)
    if request.method == "POST":
        contact.progress_case = case.reference
        contacts.save(request, contact)
        messages.success(request, _("Recorded that you gave progress on %(reference)s") % {"reference": case.reference})
        return redirect(contact.url)
    return render(
        request,
        "console/contact_case.html",
        {
            "contact": contact,
            "case": case,
            "timeline": described(public_timeline(case), case.service, with_reasons=False),
        },
    )


def _end_initial(contact: ContactInProgress, linked: Case | None, article: KnowledgeArticle | None) -> dict:
    """What the contact log most likely says, from what was done on the contact."""
    if contact.raised and linked is not None:
        return {"reason": linked.service.name, "service": linked.service, "outcome": Outcome.CASE_RAISED}
    if article is not None:
        return {"reason": article.title, "outcome": Outcome.ANSWERED, "resolved_first_contact": "yes"}
    if linked is not None:
        return {
            "reason": _("Progress on %(reference)s") % {"reference": linked.reference},
            "service": linked.service,
            "outcome": Outcome.PROGRESS_GIVEN,
        }
    return {}


@contact_view
def contact_end(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "POST" and (done := earlier_result(request)):
        return redirect(done)
    contact = contacts.get_or_404(request, token)
    caller = contacts.caller(contact)
    linked_reference = contact.raised[-1] if contact.raised else contact.progress_case
    linked = Case.objects.select_related("service").filter(reference=linked_reference).first()
    article = KnowledgeArticle.objects.filter(pk=contact.article_id).first()
    form = EndContactForm(request.POST or None, initial=_end_initial(contact, linked, article))
    if request.method == "POST" and form.is_valid():
        details = form.cleaned_data
        if len(contact.raised) > 1:
            also = _("Requests raised: %(references)s") % {"references": ", ".join(contact.raised)}
            details["notes"] = "\n\n".join(filter(None, [details["notes"], also]))

        def act() -> str:
            contacts.end(contact=contact, by=request.user, customer=caller, case=linked, article=article, **details)
            contacts.forget(request, contact.token)
            return reverse("console:customer", args=[caller.pk]) if caller else reverse("console:dashboard")

        try:
            url = act_once(request, act)
        except Repeated as repeat:
            return redirect(repeat.redirect_to)
        messages.success(request, _("The contact was logged"))
        return redirect(url)
    return render(
        request,
        "console/contact_end.html",
        {"contact": contact, "caller": caller, "linked": linked, "article": article, "form": form},
    )
