from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict:
    """Values every page template needs: the council's name and whether this is the demo."""
    return {"council_name": settings.COUNCIL_NAME, "demo_mode": settings.DEMO_MODE}
