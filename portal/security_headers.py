"""The Content Security Policy on every response (issue 18, item 4).

The policy itself is ``CONTENT_SECURITY_POLICY`` in the settings. Two exceptions
are made here rather than per view, because the views are Wagtail's:

- below ``PORTAL_ADMIN_PREFIX`` the directives of ``PORTAL_ADMIN_CSP_UPDATE`` are
  added (the admin's own inline scripts and styles; see the settings);
- Wagtail shows its preview of a page or snippet in an iframe of the editor, and
  marks those views (and only those) ``X-Frame-Options: SAMEORIGIN``. Such a
  response may then be framed by the same origin under the CSP too; everything
  else keeps ``frame-ancestors 'none'``. Wagtail renders a page's preview by
  sending a request for the page's own URL through the whole middleware stack:
  that inner pass already set the page's (front-end) policy, of which only the
  framing changes here.
"""

from __future__ import annotations

from csp.constants import HEADER
from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings

SAME_ORIGIN_FRAMING = {"frame-ancestors": ["'self'"]}


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    def process_response(self, request, response):
        if _framed_by_wagtail(response) and HEADER in response:
            response[HEADER] = _with_same_origin_framing(response[HEADER])
        return super().process_response(request, response)

    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if request.path_info.startswith(settings.PORTAL_ADMIN_PREFIX):
            parts.update = _merged(parts.update, settings.PORTAL_ADMIN_CSP_UPDATE)
        if _framed_by_wagtail(response):
            parts.replace = {**(parts.replace or {}), **SAME_ORIGIN_FRAMING}
        return parts


def _merged(update: dict | None, extra: dict) -> dict:
    merged = {key: list(values) for key, values in (update or {}).items()}
    for key, values in extra.items():
        merged[key] = [*merged.get(key, []), *values]
    return merged


def _framed_by_wagtail(response) -> bool:
    return response.get("X-Frame-Options", "").upper() == "SAMEORIGIN"


def _with_same_origin_framing(policy: str) -> str:
    directives = [
        part.strip()
        for part in policy.split(";")
        if part.strip() and part.split()[0] != "frame-ancestors"
    ]
    return "; ".join([*directives, "frame-ancestors 'self'"])
