"""Street reporting in the staff console, under /staff/streetcare/ (namespace "streetcare_staff")."""

from django.urls import path

from townhall.streetcare import staff_views

urlpatterns = [
    path("categories/", staff_views.categories, name="categories"),
    path("categories/add/", staff_views.category_add, name="category_add"),
    path("categories/<slug:slug>/", staff_views.category, name="category"),
    path("cases/<str:reference>/merge/", staff_views.merge, name="merge"),
]
