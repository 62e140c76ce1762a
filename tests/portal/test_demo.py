from io import StringIO

import pytest
from django.core.management import call_command

from cases.models import Client
from documents.models import ProcedurePage
from portal.demo import DEMO_PASSWORD
from portal.models import User


@pytest.mark.django_db
def test_load_demo_is_idempotent_and_keeps_existing_data():
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert DEMO_PASSWORD in out.getvalue()
    counts = (
        User.objects.count(),
        Client.objects.count(),
        ProcedurePage.objects.count(),
    )

    user = User.objects.get(username="kwaliteit")
    user.set_password("zelf-gekozen-wachtwoord")
    user.save()
    procedure = ProcedurePage.objects.get(code="P-03")
    procedure.title = "Uitvoering van onderzoeken (aangepast)"
    procedure.save_revision().publish()

    out = StringIO()
    call_command("load_demo", stdout=out)
    assert (
        User.objects.count(),
        Client.objects.count(),
        ProcedurePage.objects.count(),
    ) == counts
    assert User.objects.get(username="kwaliteit").check_password(
        "zelf-gekozen-wachtwoord"
    )
    assert ProcedurePage.objects.get(code="P-03").title.endswith("(aangepast)")
    assert "wachtwoord ongewijzigd" in out.getvalue()


@pytest.mark.django_db
def test_demo_has_one_user_per_role_and_a_public_complaints_procedure():
    call_command("load_demo", stdout=StringIO())
    for username, role in [
        ("kwaliteit", "quality_officer"),
        ("office", "office_manager"),
        ("directie", "management"),
        ("kerngroep", "core_group"),
        ("beoordelaar", "assessor"),
        ("beslisser", "certification_decider"),
    ]:
        assert User.objects.get(username=username).role_codes == [role]
    public = ProcedurePage.objects.live().filter(is_public=True)
    assert list(public.values_list("code", flat=True)) == ["P-07"]
    assert Client.objects.filter(status="holder").count() >= 2
