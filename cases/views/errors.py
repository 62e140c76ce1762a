from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _


def add_service_errors(form, exc: ValidationError | PermissionDenied) -> None:
    """Show a refused rule on the form it came from: field errors on their field,
    the rest above the form. The user keeps everything they typed."""
    if isinstance(exc, PermissionDenied):
        form.add_error(None, str(exc) or _("Dit mag u niet."))
        return
    for field, errors in getattr(exc, "error_dict", {None: exc}).items():
        form.add_error(field if field in form.fields else None, errors)
