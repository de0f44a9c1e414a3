from django import template
from django.conf import settings

register = template.Library()


@register.inclusion_tag("cases/includes/location_map.html")
def location_map(form) -> dict:
    """A map that fills in a location question's latitude and longitude when clicked.
    Hidden until its script runs, so pages without JavaScript keep the plain search."""
    latitude, longitude = settings.MAP_CENTRE
    return {
        "form": form,
        "tiles": settings.MAP_TILE_URL,
        "attribution": settings.MAP_ATTRIBUTION,
        "latitude": latitude,
        "longitude": longitude,
        "zoom": settings.MAP_ZOOM,
    }


@register.inclusion_tag("cases/includes/point_map.html")
def point_map(latitude, longitude, label: str = "") -> dict:
    """A small map marking where a case is, for staff. Hidden until its script runs: the
    page already says where in words and coordinates."""
    return {
        "tiles": settings.MAP_TILE_URL,
        "attribution": settings.MAP_ATTRIBUTION,
        "latitude": latitude,
        "longitude": longitude,
        "label": label,
        "zoom": max(settings.MAP_ZOOM, 16),
    }
