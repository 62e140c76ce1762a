"""Files that come from outside: reading their text (``files.extraction``).

A plain package below the apps: ``cases`` and ``documents`` use it, and it imports
none of them, nor the search app (extraction is not search).
"""
