from django.urls import path

from townhall.catalogue import views

app_name = "catalogue"

urlpatterns = [
    path("", views.service_list, name="services"),
    path("services/new/", views.service_create, name="service_create"),
    path("services/<int:pk>/", views.service_detail, name="service"),
    path("services/<int:pk>/settings/", views.service_edit, name="service_edit"),
    path("services/<int:pk>/retire/", views.retire, name="retire"),
    path("services/<int:pk>/fees/", views.service_fees, name="fees"),
    path("services/<int:pk>/questions/", views.questions, name="questions"),
    # A question's own pages end in what they do (edit/, move/…), so no key clashes with add/.
    path("services/<int:pk>/questions/add/", views.question_add, name="question_add"),
    path("services/<int:pk>/questions/<slug:key>/edit/", views.question_edit, name="question_edit"),
    path("services/<int:pk>/questions/<slug:key>/type/", views.question_change_type, name="question_type"),
    path("services/<int:pk>/questions/<slug:key>/move/", views.question_move, name="question_move"),
    path("services/<int:pk>/questions/<slug:key>/delete/", views.question_delete, name="question_delete"),
    path("services/<int:pk>/preview/", views.preview, name="preview"),
    path("services/<int:pk>/publish/", views.publish, name="publish"),
    path("services/<int:pk>/published/", views.published, name="published"),
    path("services/<int:pk>/versions/", views.versions, name="versions"),
    path("services/<int:pk>/versions/<int:version>/", views.preview, name="version"),
    path("services/<int:pk>/workflow/", views.workflow, name="workflow"),
    path("services/<int:pk>/emails/", views.emails, name="emails"),
    path("services/<int:pk>/emails/<slug:event>/", views.email_edit, name="email_edit"),
    path("departments/", views.departments, name="departments"),
    path("departments/new/", views.department_create, name="department_create"),
    path("articles/", views.articles, name="articles"),
    path("articles/new/", views.article_create, name="article_create"),
    path("articles/<int:pk>/", views.article_edit, name="article_edit"),
]
