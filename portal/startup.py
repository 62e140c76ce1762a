"""What a server process does once, after loading the portal and before its
first request."""

from __future__ import annotations

import gc


def freeze_loaded_objects() -> int:
    """Load the URL configuration (every view module) and hand what is loaded
    by now to the garbage collector's permanent generation (``gc.freeze``).

    Django, Wagtail and the portal's own code are ~250,000 objects that live
    as long as the process. Python's full collection walks every one of them
    again, ~150 ms at a time, in the middle of whichever request triggers it:
    the search page at 100,000 documents had such a pause in one request of
    twenty. Frozen objects are left out of every collection (they are never
    garbage); what the requests create is collected as before. Returns the
    number of objects frozen."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (imports the views)
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
