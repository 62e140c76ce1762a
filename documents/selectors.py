"""Reads of quality documents."""

from .models import ProcedurePage


def public_procedures():
    """Live procedures marked public: what an anonymous visitor may read."""
    return ProcedurePage.objects.live().filter(is_public=True).order_by("code")


def current_procedures():
    """Live procedures, most recently published first (dashboard, handbook)."""
    return ProcedurePage.objects.live().order_by("-last_published_at", "code")


def handbook():
    """The (first) live quality handbook, or None."""
    from .models import HandbookPage

    return HandbookPage.objects.live().order_by("path").first()
