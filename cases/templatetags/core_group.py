"""``{% core_group_fact case %}``: the case page's fact "Kerngroep": when the core
group last discussed the case (C11), or that it has not yet."""

from __future__ import annotations

from django import template

from cases import kinds
from cases.selectors_agenda import agenda_kinds, discussed_on

register = template.Library()


@register.inclusion_tag("cases/admin/includes/core_group_fact.html", takes_context=True)
def core_group_fact(context, case):
    try:
        spec = kinds.kind_of(case)
    except KeyError:
        return {"shown": False}
    if spec not in agenda_kinds():
        return {"shown": False}
    request = context.get("request")
    user = getattr(request, "user", None)
    key = (spec.key, case.pk)
    day, url = discussed_on(user, [key]).get(key, (None, ""))
    return {"shown": True, "day": day, "url": url}
