from django.urls import path

from townhall.console.views import cases, contacts, customers, payments, raising, system, work

app_name = "console"

urlpatterns = [
    path("", work.dashboard, name="dashboard"),
    path("queues/", work.queue, name="queue"),
    path("cases/<str:reference>/", cases.case_detail, name="case"),
    path("cases/<str:reference>/attachments/<uuid:public_id>/", cases.attachment, name="attachment"),
    path("cases/<str:reference>/followers/<int:watcher_id>/remove/", cases.watcher_remove, name="case_watcher_remove"),
    path("cases/<str:reference>/<slug:action>/", cases.case_action, name="case_action"),
    path("cases/<str:reference>/payments/card/", payments.take_card_payment, name="take_card_payment"),
    path("cases/<str:reference>/payments/counter/", payments.record_counter_payment, name="record_counter_payment"),
    path("cases/<str:reference>/payments/cancel/", payments.cancel_unpaid, name="cancel_unpaid"),
    path("cases/<str:reference>/payments/<uuid:public_id>/refund/", payments.refund, name="refund"),
    path("customers/", customers.customers, name="customers"),
    path("customers/new/", customers.customer_new, name="customer_new"),
    path("customers/<int:customer_id>/", customers.customer, name="customer"),
    path("customers/<int:customer_id>/edit/", customers.customer_edit, name="customer_edit"),
    path("customers/<int:customer_id>/merge/<int:duplicate_id>/", customers.customer_merge, name="customer_merge"),
    path("customers/<int:customer_id>/alerts/new/", customers.alert_new, name="customer_alert_new"),
    path(
        "customers/<int:customer_id>/alerts/<int:alert_id>/clear/", customers.alert_clear, name="customer_alert_clear"
    ),
    path("contacts/new/", contacts.contact_start, name="contact_start"),
    path("contacts/<str:token>/", contacts.contact, name="contact"),
    path("contacts/<str:token>/caller/", contacts.contact_caller, name="contact_caller"),
    path("contacts/<str:token>/new-customer/", contacts.contact_new_customer, name="contact_new_customer"),
    path("contacts/<str:token>/verify/", contacts.contact_verify, name="contact_verify"),
    path("contacts/<str:token>/articles/", contacts.contact_articles, name="contact_articles"),
    path("contacts/<str:token>/articles/<int:article_id>/", contacts.contact_article, name="contact_article"),
    path("contacts/<str:token>/cases/<str:reference>/", contacts.contact_case, name="contact_case"),
    path("contacts/<str:token>/end/", contacts.contact_end, name="contact_end"),
    path("contacts/<str:token>/raise/", raising.contact_raise, name="contact_raise"),
    path("contacts/<str:token>/raise/<uuid:draft_token>/check/", raising.contact_check, name="contact_check"),
    path(
        "contacts/<str:token>/raise/<uuid:draft_token>/questions/<slug:key>/",
        raising.contact_question,
        name="contact_question",
    ),
    path("contacts/<str:token>/raised/<str:reference>/", raising.contact_raised, name="contact_raised"),
    path("outbox/", system.outbox_page, name="outbox"),
    path("outbox/<int:message_id>/retry/", system.outbox_retry, name="outbox_retry"),
    path("mailbox/", system.mailbox, name="mailbox"),
    path("mailbox/<int:message_id>/", system.mailbox_message, name="mailbox_message"),
]
