from django.urls import path

from townhall.catalogue.views import emails, library, questions, service_settings, workflow

app_name = "catalogue"

urlpatterns = [
    path("", service_settings.service_list, name="services"),
    path("services/new/", service_settings.service_create, name="service_create"),
    path("services/<int:pk>/", service_settings.service_detail, name="service"),
    path("services/<int:pk>/settings/", service_settings.service_edit, name="service_edit"),
    path("services/<int:pk>/retire/", service_settings.retire, name="retire"),
    path("services/<int:pk>/fees/", service_settings.service_fees, name="fees"),
    path("services/<int:pk>/questions/", questions.questions, name="questions"),
    # A question's own pages end in what they do (edit/, move/…), so no key clashes with add/.
    path("services/<int:pk>/questions/add/", questions.question_add, name="question_add"),
    path("services/<int:pk>/questions/<slug:key>/edit/", questions.question_edit, name="question_edit"),
    path("services/<int:pk>/questions/<slug:key>/type/", questions.question_change_type, name="question_type"),
    path("services/<int:pk>/questions/<slug:key>/move/", questions.question_move, name="question_move"),
    path("services/<int:pk>/questions/<slug:key>/delete/", questions.question_delete, name="question_delete"),
    path("services/<int:pk>/preview/", questions.preview, name="preview"),
    path("services/<int:pk>/publish/", questions.publish, name="publish"),
    path("services/<int:pk>/published/", questions.published, name="published"),
    path("services/<int:pk>/versions/", questions.versions, name="versions"),
    path("services/<int:pk>/versions/<int:version>/", questions.preview, name="version"),
    path("services/<int:pk>/workflow/", workflow.workflow, name="workflow"),
    path("services/<int:pk>/emails/", emails.emails, name="emails"),
    path("services/<int:pk>/emails/<slug:event>/", emails.email_edit, name="email_edit"),
    path("departments/", library.departments, name="departments"),
    path("departments/new/", library.department_create, name="department_create"),
    path("departments/<int:pk>/", library.department_edit, name="department_edit"),
    path("departments/<int:pk>/delete/", library.department_delete, name="department_delete"),
    path("articles/", library.articles, name="articles"),
    path("articles/new/", library.article_create, name="article_create"),
    path("articles/<int:pk>/", library.article_edit, name="article_edit"),
    path("articles/<int:pk>/delete/", library.article_delete, name="article_delete"),
]
