"""The admin upload form for importing an existing procedure document."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import defaults
from django.views.decorators.http import require_http_methods
from wagtail.admin.auth import require_admin_access

from .importing import MAX_UPLOAD_BYTES, detect_format, parse_document, procedure_import
from .models import HandbookPage


def import_parents_for(user) -> list[HandbookPage]:
    """The handbooks under which `user` may add procedures (Wagtail's page
    permissions: add permission on the handbook or above it)."""
    return [
        handbook
        for handbook in HandbookPage.objects.order_by("path")
        if handbook.permissions_for_user(user).can_add_subpage()
    ]


class ProcedureImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Bestand"),
        help_text=gettext_lazy(".txt, .docx of .pdf, hoogstens 10 MB."),
    )
    parent = forms.ModelChoiceField(
        queryset=HandbookPage.objects.order_by("path"),
        label=gettext_lazy("Kwaliteitshandboek"),
        empty_label=None,
    )
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=20,
        required=False,
        help_text=gettext_lazy(
            "Bijvoorbeeld P-07. Leeg: de code uit het bestand, anders de eerstvolgende "
            "vrije."
        ),
    )
    version_label = forms.CharField(
        label=gettext_lazy("Versie"),
        max_length=10,
        required=False,
        help_text=gettext_lazy(
            "JJMM, bijvoorbeeld 2305. Leeg: de versie uit de voettekst of de "
            "bestandsnaam. Bij publicatie wordt dit de versie van de eerste "
            "gepubliceerde versie."
        ),
    )
    title = forms.CharField(
        label=gettext_lazy("Titel"),
        max_length=255,
        required=False,
        help_text=gettext_lazy("Leeg: de titel uit het document."),
    )
    new_revision = forms.BooleanField(
        label=gettext_lazy(
            "Bestaat de code al, sla de import dan op als nieuwe conceptversie van die "
            "procedure"
        ),
        required=False,
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(_("Het bestand is groter dan 10 MB."))
        data = upload.read()
        detect_format(data, upload.name)
        self.file_bytes = data
        return upload


@require_admin_access
@require_http_methods(["GET", "POST"])
def procedure_import_view(request):
    parents = import_parents_for(request.user)
    if not parents:
        return _forbidden(request)
    form = ProcedureImportForm(
        request.POST or None, request.FILES or None, initial={"parent": parents[0]}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data["parent"] not in parents:
            return _forbidden(request)
        try:
            document = parse_document(form.file_bytes, data["file"].name)
            outcome = procedure_import(
                parent=data["parent"],
                document=document,
                source_name=data["file"].name,
                code=data["code"],
                version_label=data["version_label"],
                title=data["title"],
                new_revision=data["new_revision"],
                by=request.user,
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        except PermissionDenied as exc:
            return _forbidden(request, exc)
        else:
            done = (
                _("Concept %(code)s aangemaakt uit %(name)s: %(summary)s")
                if outcome.created
                else _(
                    "Nieuwe conceptversie van %(code)s opgeslagen uit %(name)s: "
                    "%(summary)s"
                )
            )
            messages.success(
                request,
                (
                    done
                    + " "
                    + _(
                        "Controleer het concept en dien het in voor goedkeuring "
                        "door de directie; dan wordt het gepubliceerd."
                    )
                )
                % {
                    "code": outcome.code,
                    "name": data["file"].name,
                    "summary": document.summary(),
                },
            )
            return redirect("wagtailadmin_pages:edit", outcome.page.pk)
    return render(
        request,
        "documents/admin/import.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


def _forbidden(request, exc: PermissionDenied | None = None):
    # A real 403: Wagtail's admin would turn a raised PermissionDenied into a
    # redirect to the dashboard.
    return defaults.permission_denied(request, exc or PermissionDenied())


def _add_errors(form: forms.Form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error("file", exc)
