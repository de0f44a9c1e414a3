"""Departments and knowledge articles."""

import copy

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from townhall.catalogue import selectors, services
from townhall.catalogue.forms import ArticleForm, ConfirmForm, DepartmentForm
from townhall.catalogue.models import Department, KnowledgeArticle
from townhall.catalogue.views.common import editor_required, render_page, saved
from townhall.core.paging import paginate


@editor_required
def departments(request: HttpRequest) -> HttpResponse:
    return render_page(request, "catalogue/departments.html", {"departments": selectors.department_list()})


@editor_required
def department_create(request: HttpRequest) -> HttpResponse:
    form = DepartmentForm(request.POST if request.method == "POST" else None)
    if saved(
        request,
        form,
        lambda: services.create_department(by=request.user, **form.cleaned_data),
        done=_("Department added."),
    ):
        return redirect("catalogue:departments")
    return render_page(request, "catalogue/department_form.html", {"form": form})


@editor_required
def department_edit(request: HttpRequest, pk: int) -> HttpResponse:
    department = get_object_or_404(Department, pk=pk)
    form = DepartmentForm(request.POST if request.method == "POST" else None, instance=copy.copy(department))
    if saved(
        request,
        form,
        lambda: services.update_department(department=department, by=request.user, **form.cleaned_data),
        done=_("Department saved."),
    ):
        return redirect("catalogue:departments")
    return render_page(
        request,
        "catalogue/department_form.html",
        {"form": form, "department": department, "service_count": department.services.count()},
    )


@editor_required
def department_delete(request: HttpRequest, pk: int) -> HttpResponse:
    department = Department.objects.filter(pk=pk).first()
    if department is None:
        return _already_gone(request, "catalogue:departments")
    return _confirm_delete(
        request,
        lambda: services.delete_department(department=department, by=request.user),
        done=_("Department deleted."),
        list_url_name="catalogue:departments",
        page={
            "heading": _("Delete the department “%(name)s”?") % {"name": department.name},
            "explanation": _(
                "Only a department with no services can be deleted. Its articles stay, with no department."
            ),
            "button": _("Delete department"),
            "cancel_url": reverse("catalogue:department_edit", args=[department.pk]),
        },
    )


@editor_required
def articles(request: HttpRequest) -> HttpResponse:
    return render_page(request, "catalogue/articles.html", {"page": paginate(request, selectors.article_list())})


@editor_required
def article_create(request: HttpRequest) -> HttpResponse:
    form = ArticleForm(request.POST if request.method == "POST" else None)
    if saved(
        request, form, lambda: services.create_article(by=request.user, **form.cleaned_data), done=_("Article added.")
    ):
        return redirect("catalogue:articles")
    return render_page(request, "catalogue/article_form.html", {"form": form})


@editor_required
def article_edit(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(KnowledgeArticle, pk=pk)
    form = ArticleForm(request.POST if request.method == "POST" else None, instance=copy.copy(article))
    if saved(
        request,
        form,
        lambda: services.update_article(article=article, by=request.user, **form.cleaned_data),
        done=_("Article saved."),
    ):
        return redirect("catalogue:articles")
    return render_page(request, "catalogue/article_form.html", {"form": form, "article": article})


@editor_required
def article_delete(request: HttpRequest, pk: int) -> HttpResponse:
    article = KnowledgeArticle.objects.filter(pk=pk).first()
    if article is None:
        return _already_gone(request, "catalogue:articles")
    return _confirm_delete(
        request,
        lambda: services.delete_article(article=article, by=request.user),
        done=_("Article deleted."),
        list_url_name="catalogue:articles",
        page={
            "heading": _("Delete the article “%(title)s”?") % {"title": article.title},
            "explanation": _(
                "Residents and agents will no longer find it, and it cannot be brought back. To hide it for now "
                "instead, change it and untick “Published”."
            ),
            "button": _("Delete article"),
            "cancel_url": reverse("catalogue:article_edit", args=[article.pk]),
        },
    )


def _confirm_delete(request: HttpRequest, delete, *, done: str, list_url_name: str, page: dict) -> HttpResponse:
    """The confirmation page of a deletion, and the deletion once confirmed; back to the list
    afterwards, also when a repeated request found the row gone (`saved` gives False)."""
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if saved(request, form, delete, done=done) is not None:
        return redirect(list_url_name)
    return render_page(request, "catalogue/confirm.html", {"form": form, **page})


def _already_gone(request: HttpRequest, list_url_name: str) -> HttpResponse:
    """A deletion sent twice finds the row gone: back to its list, as the first one went.
    Asking to see the page of a row that does not exist is still not found."""
    if request.method == "POST":
        return redirect(list_url_name)
    raise Http404
