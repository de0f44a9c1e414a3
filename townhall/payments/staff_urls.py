"""The finance pages, mounted at /staff/payments/ (townhall/urls.py) in the "finance"
namespace; "payments" is the public side's (return URLs, webhooks)."""

from django.urls import path

from townhall.payments import staff_views

app_name = "finance"

urlpatterns = [
    path("", staff_views.income_report, name="report"),
    path("export/ledger.csv", staff_views.ledger_export, name="ledger_csv"),
    path("export/fund-totals.csv", staff_views.fund_totals_export, name="fund_totals_csv"),
    path("reconciliation/", staff_views.reconciliation_page, name="reconciliation"),
    path("reconciliation/check/", staff_views.recheck, name="recheck"),
    path("reconciliation/<int:mismatch_id>/resolve/", staff_views.resolve, name="resolve"),
]
