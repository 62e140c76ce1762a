"""The admin's user forms with the portal's own field: the function that stands
under a signer's name in letters (issue 17, item 8). Wagtail's users app is
pointed here by ``portal.apps.PortalUsersConfig``; each user can also set her own
function under "Account"."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.views.account import BaseSettingsPanel
from wagtail.users.forms import UserCreationForm, UserEditForm
from wagtail.users.views.users import UserViewSet

from .models import User


class PortalUserCreationForm(UserCreationForm):
    class Meta(UserCreationForm.Meta):
        fields = UserCreationForm.Meta.fields | {"function"}


class PortalUserEditForm(UserEditForm):
    class Meta(UserEditForm.Meta):
        fields = UserEditForm.Meta.fields | {"function"}


class PortalUserViewSet(UserViewSet):
    # templates/wagtailusers/users/portal/user/{create,edit}.html add the field.
    def get_form_class(self, for_update=False):
        return PortalUserEditForm if for_update else PortalUserCreationForm


class FunctionForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["function"]


class FunctionSettingsPanel(BaseSettingsPanel):
    name = "function"
    title = _("Functie")
    order = 150
    form_class = FunctionForm
