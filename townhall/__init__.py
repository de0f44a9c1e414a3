"""Townhall: one front door for every council service."""

from townhall.celery import app as celery_app

__all__ = ("celery_app",)
