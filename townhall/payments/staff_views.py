"""The finance pages of the staff console: the income report, the export for the finance
system and the reconciliation list. Team managers, council administrators and auditors
see them; auditors only read.

The pages sit in the payments app (like the catalogue's) and check roles with
`accounts.permissions`, since nothing imports the console; they extend its templates.
"""

import csv
import datetime as dt
from collections.abc import Iterable, Iterator
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from townhall.accounts.models import Role
from townhall.accounts.permissions import FINANCE_VIEWERS, has_role, staff_required
from townhall.core import audit
from townhall.core.money import decimal_pounds
from townhall.core.paging import paginate
from townhall.payments import providers, reconciliation, selectors
from townhall.payments.models import Mismatch, receipt_reference
from townhall.payments.staff_forms import ExportRangeForm, RecheckForm, ReportRangeForm, ResolveForm, yesterday

# Who may act on what reconciliation finds: everyone who sees it but auditors, who only read.
FINANCE_ACTORS = FINANCE_VIEWERS - {Role.AUDITOR}

finance_view = staff_required(*FINANCE_VIEWERS)
DEFAULT_DAYS = 7
finance_action = staff_required(*FINANCE_ACTORS)


def _can_act(user) -> bool:
    return has_role(user, *FINANCE_ACTORS)


# Income report


def _report_range(request: HttpRequest) -> tuple[ReportRangeForm, dt.date | None, dt.date | None]:
    """The form and the days it asks for: the last seven days, today's takings so far
    included, until someone chooses; None when the chosen dates are wrong (the form then
    says why)."""
    asked = any(name.startswith(("start_", "end_")) for name in request.GET)
    if not asked:
        end = timezone.localdate()
        start = end - dt.timedelta(days=DEFAULT_DAYS - 1)
        return ReportRangeForm(initial={"start": start, "end": end}), start, end
    form = ReportRangeForm(request.GET)
    if not form.is_valid():
        return form, None, None
    return form, form.cleaned_data["start"], form.cleaned_data["end"]


@require_GET
@finance_view
def income_report(request: HttpRequest) -> HttpResponse:
    form, start, end = _report_range(request)
    report = selectors.income_report(start=start, end=end) if start and end else None
    export_query = urlencode({"start": start.isoformat(), "end": end.isoformat()}) if start and end else ""
    return render(
        request,
        "payments/staff/income_report.html",
        {"form": form, "report": report, "export_query": export_query, "yesterday": yesterday()},
    )


# The export for the finance system

LEDGER_HEADER = [
    "posted_on",
    "posted_at",
    "kind",
    "fund_code",
    "channel",
    "method",
    "provider",
    "amount_pence",
    "amount_pounds",
    "case_reference",
    "payment_reference",
    "provider_payment_id",
    "provider_refund_id",
]
FUND_TOTALS_HEADER = [
    "posted_on",
    "fund_code",
    "payments",
    "income_pence",
    "income_pounds",
    "refunds",
    "refunded_pence",
    "refunded_pounds",
    "net_pence",
    "net_pounds",
]
# A spreadsheet runs a cell that starts with one of these as a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(text: str | None) -> str:
    """Text from the database made safe for a spreadsheet: a leading apostrophe stops a
    cell such as `=HYPERLINK(...)` being run as a formula. Amounts never come through
    here, so a refund's -3500 stays a number."""
    text = text or ""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


class _Echo:
    """A file that hands back what is written to it, so csv.writer can feed a stream."""

    def write(self, value: str) -> str:
        return value


def _csv_response(lines: Iterable[list], filename: str) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())
    response = StreamingHttpResponse((writer.writerow(line) for line in lines), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def _export_range(request: HttpRequest) -> tuple[dt.date, dt.date] | HttpResponse:
    form = ExportRangeForm(request.GET)
    if not form.is_valid():
        problems = "; ".join(f"{name}: {' '.join(errors)}" for name, errors in form.errors.items())
        return HttpResponseBadRequest(
            _("Give the days as ?start=YYYY-MM-DD&end=YYYY-MM-DD (%(problems)s)") % {"problems": problems},
            content_type="text/plain; charset=utf-8",
        )
    return form.cleaned_data["start"], form.cleaned_data["end"]


def _ledger_line(row: dict) -> list:
    pence = row["amount"]
    return [
        row["posted_on"].isoformat(),
        timezone.localtime(row["posted_at"]).isoformat(),
        safe_cell(row["kind"]),
        safe_cell(row["fund_code"]),
        safe_cell(row["channel"]),
        safe_cell(row["method"]),
        safe_cell(row["provider"]),
        pence,
        decimal_pounds(pence),
        safe_cell(row["case__reference"]),
        receipt_reference(row["payment__public_id"]),
        safe_cell(row["payment__provider_id"]),
        safe_cell(row["refund__provider_refund_id"]),
    ]


def _ledger_lines(start: dt.date, end: dt.date) -> Iterator[list]:
    yield LEDGER_HEADER
    for row in selectors.ledger_rows(start, end):
        yield _ledger_line(row)


@require_GET
@finance_view
def ledger_export(request: HttpRequest) -> HttpResponse:
    """One line per ledger entry, oldest first, streamed: amounts in pence and in pounds."""
    days = _export_range(request)
    if isinstance(days, HttpResponse):
        return days
    start, end = days
    audit.record(actor=request.user, action="payment.ledger_exported", data={"start": str(start), "end": str(end)})
    return _csv_response(_ledger_lines(start, end), f"townhall-ledger-{start}-to-{end}.csv")


@require_GET
@finance_view
def fund_totals_export(request: HttpRequest) -> HttpResponse:
    """Per London day and fund code: what the finance system posts to each fund."""
    days = _export_range(request)
    if isinstance(days, HttpResponse):
        return days
    start, end = days
    report = selectors.income_report(start=start, end=end)
    audit.record(actor=request.user, action="payment.totals_exported", data={"start": str(start), "end": str(end)})
    lines = [FUND_TOTALS_HEADER]
    for row in report.by_fund:
        totals = row.totals
        lines.append(
            [
                row.day.isoformat(),
                safe_cell(row.key[0]),
                totals.payments,
                totals.income,
                decimal_pounds(totals.income),
                totals.refunds,
                totals.refunded,
                decimal_pounds(totals.refunded),
                totals.net,
                decimal_pounds(totals.net),
            ]
        )
    return _csv_response(lines, f"townhall-fund-totals-{start}-to-{end}.csv")


# Reconciliation


def _reconciliation_page(request: HttpRequest, form: RecheckForm) -> HttpResponse:
    return render(
        request,
        "payments/staff/reconciliation.html",
        {"page": paginate(request, selectors.open_mismatches()), "form": form, "can_act": _can_act(request.user)},
    )


@require_GET
@finance_view
def reconciliation_page(request: HttpRequest) -> HttpResponse:
    return _reconciliation_page(request, RecheckForm(initial={"day": yesterday()}))


@require_POST
@finance_action
def recheck(request: HttpRequest) -> HttpResponse:
    """Compare a day with the provider's records now, rather than waiting for the morning's run."""
    form = RecheckForm(request.POST)
    if form.is_valid():
        day = form.cleaned_data["day"]
        day_text = date_format(day, "j F Y")
        try:
            found = reconciliation.recheck_day(day=day, by=request.user)
        except providers.ProviderUnavailable:
            form.add_error(
                None,
                _(
                    "The payment provider could not be reached, so %(day)s was not checked and nothing has "
                    "changed. Try again in a few minutes."
                )
                % {"day": day_text},
            )
        except providers.ProviderError as error:
            form.add_error(
                None,
                _("The payment provider refused to list %(day)s's payments (%(error)s), so nothing has changed.")
                % {"day": day_text, "error": error},
            )
        else:
            messages.success(
                request,
                ngettext(
                    "Checked %(day)s with the payment provider: %(count)s new mismatch found",
                    "Checked %(day)s with the payment provider: %(count)s new mismatches found",
                    len(found),
                )
                % {"day": day_text, "count": len(found)},
            )
            return redirect("finance:reconciliation")
    return _reconciliation_page(request, form)


@require_http_methods(["GET", "HEAD", "POST"])
@finance_action
def resolve(request: HttpRequest, mismatch_id: int) -> HttpResponse:
    """Mark one mismatch as resolved, saying what was done about it."""
    mismatch = get_object_or_404(Mismatch.objects.select_related("payment__case"), pk=mismatch_id)
    if mismatch.resolved_at is not None:
        messages.info(request, _("That mismatch has already been resolved"))
        return redirect("finance:reconciliation")
    form = ResolveForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            reconciliation.resolve_mismatch(
                mismatch=mismatch, resolution=form.cleaned_data["resolution"], by=request.user
            )
        except reconciliation.AlreadyResolved:
            messages.info(request, _("That mismatch has already been resolved"))
            return redirect("finance:reconciliation")
        except reconciliation.MismatchError as error:
            form.add_error("resolution", str(error))
        else:
            messages.success(request, _("Mismatch marked as resolved"))
            return redirect("finance:reconciliation")
    return render(request, "payments/staff/resolve.html", {"mismatch": mismatch, "form": form})
