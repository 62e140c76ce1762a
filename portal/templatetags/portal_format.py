"""The portal's one date and size style in templates (issue 17, item 2).

Registered as builtins (settings TEMPLATES), so every template may write
``{{ x|datum }}`` without a ``{% load %}``:

- ``datum``: "5 oktober" (the year when it is not the current one);
- ``datum_jaar``: "5 oktober 2026", always with the year;
- ``datumtijd``: "5 oktober om 14:30", for moments whose time matters;
- ``maand``: "oktober 2026";
- ``bestandsgrootte``: "57,2 MB".
"""

from django import template

from portal.formatting import format_date, format_moment, format_month, format_size

register = template.Library()


@register.filter
def datum(value):
    return format_date(value)


@register.filter
def datum_jaar(value):
    return format_date(value, year=True)


@register.filter
def datumtijd(value):
    return format_moment(value)


@register.filter
def maand(value):
    return format_month(value)


@register.filter
def bestandsgrootte(value):
    if value in (None, ""):
        return ""
    return format_size(int(value))
