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
