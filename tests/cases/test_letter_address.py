"""The letter as a formal Dutch business letter (issue 17, item 8): the client's
postal address and contact person in the window, the salutation that goes with
the contact person, the signer's function, the organisation's letterhead."""

from __future__ import annotations

import importlib
import io
import os

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from pypdf import PdfReader
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file

from cases.letters import client_salutation, letter_pdf, letter_template, render_pdf
from cases.models import Client, LetterTemplate
from cases.services import appeal_lodge
from cases.services.letters import letter_compose
from portal.models import OrganisationSettings
from portal.roles import OFFICE_MANAGER
from tests.cases.conftest import local
from tests.cases.test_letters import pdf_text
from tests.factories import ClientFactory, UserFactory

Kind = LetterTemplate.Kind

pytestmark = pytest.mark.django_db


@pytest.fixture
def org(db):
    org = OrganisationSettings.load()
    org.name = "CIIO"
    org.full_name = "CIIO, certificatie-instelling"
    org.email = "kwaliteit@ciio.invalid"
    org.address = "Postbus 1234\n3500 AA  Utrecht"
    org.phone = "030 123 45 67"
    org.website = "www.ciio.invalid"
    org.save()
    return org


@pytest.fixture
def appeal(setup, office, org):
    client = setup["client"]
    client.street = "Lindelaan 12"
    client.postcode = "7311 AB"
    client.city = "Apeldoorn"
    client.contact_salutation = Client.Salutation.MRS
    client.contact_initials = "M."
    client.contact_surname = "van Dijk"
    client.save()
    return appeal_lodge(
        decision=setup["decision"],
        appellant=client,
        channel="email",
        received_at=local(2026, 2, 10, 12, 0),
        motivation="Het rapport mist onze verbeterplannen.",
        by=office,
    )


def _pdf(case, kind, by) -> bytes:
    letter, paragraphs = letter_compose(case=case, kind=kind, by=by)
    return render_pdf(letter, paragraphs)


def _signer():
    return UserFactory(
        roles=[OFFICE_MANAGER],
        first_name="Karin",
        last_name="de Vries",
        function="Portefeuillehouder kwaliteit",
    )


def test_the_window_holds_name_contact_street_and_postcode_with_city(appeal):
    text = pdf_text(_pdf(appeal, Kind.APPEAL_ACK, _signer()))
    assert "Zorggroep Beroep t.a.v. mevrouw M. van Dijk Lindelaan 12 7311 AB" in text
    assert "7311 AB Apeldoorn" in text
    assert "Geachte mevrouw Van Dijk," in text
    assert "Geachte heer, mevrouw" not in text


def test_the_signature_carries_the_signers_name_and_function(appeal):
    text = pdf_text(_pdf(appeal, Kind.APPEAL_ACK, _signer()))
    assert "Met vriendelijke groet, CIIO, certificatie-instelling" in text
    assert "Karin de Vries Portefeuillehouder kwaliteit" in text


def test_a_signer_without_a_function_leaves_no_empty_line(appeal):
    signer = UserFactory(roles=[OFFICE_MANAGER], first_name="Olga", last_name="Smit")
    letter, _paragraphs = letter_compose(case=appeal, kind=Kind.APPEAL_ACK, by=signer)
    assert letter.body.endswith("Olga Smit")


def test_the_letterhead_shows_the_organisations_address_and_contact_details(appeal):
    text = pdf_text(_pdf(appeal, Kind.APPEAL_ACK, _signer()))
    assert "Postbus 1234" in text
    assert "3500 AA Utrecht" in text
    assert "030 123 45 67" in text
    assert "www.ciio.invalid" in text
    assert "kwaliteit@ciio.invalid" in text


def test_without_a_contact_person_the_salutation_falls_back(setup, appeal):
    client = setup["client"]
    client.contact_surname = ""
    client.contact_initials = ""
    client.save()
    appeal.refresh_from_db()
    text = pdf_text(letter_pdf(case=appeal, kind=Kind.APPEAL_ACK))
    assert "Geachte heer, mevrouw," in text
    assert "t.a.v." not in text
    assert "Lindelaan 12" in text


@pytest.mark.parametrize(
    ("salutation", "initials", "surname", "expected"),
    [
        ("heer", "P.J.", "Jansen", "Geachte heer Jansen,"),
        ("mevrouw", "M.", "de Vries", "Geachte mevrouw De Vries,"),
        ("", "J.", "de Vries", "Geachte J. de Vries,"),
        ("", "", "de Vries", "Geachte heer/mevrouw De Vries,"),
        ("heer", "P.", "", "Geachte heer, mevrouw,"),
    ],
)
def test_the_salutation_follows_dutch_letter_conventions(
    db, salutation, initials, surname, expected
):
    client = ClientFactory(
        contact_salutation=salutation,
        contact_initials=initials,
        contact_surname=surname,
    )
    assert client_salutation(client) == expected
    assert client_salutation(None) == "Geachte heer, mevrouw,"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("1234ab", "1234 AB"), (" 1234  ab ", "1234 AB"), ("9711 EF", "9711 EF")],
)
def test_a_dutch_postcode_is_normalised(db, typed, stored):
    client = ClientFactory.build(name="Klant P", postcode=typed)
    client.full_clean()
    assert client.postcode == stored


@pytest.mark.parametrize("typed", ["123 AB", "0123 AB", "1234 A1", "1234 SS", "B-1000"])
def test_an_invalid_postcode_is_refused_with_a_dutch_message(db, typed):
    client = ClientFactory.build(name="Klant P", postcode=typed)
    with pytest.raises(ValidationError) as refused:
        client.full_clean()
    assert "geen geldige Nederlandse postcode" in str(refused.value)


def _client_form(client_obj, **changes):
    data = {
        "name": client_obj.name,
        "status": client_obj.status,
        "street": "Lindelaan 12",
        "postcode": "7311ab",
        "city": "Apeldoorn",
        "region": client_obj.region,
        "contact_salutation": "heer",
        "contact_initials": "P.",
        "contact_surname": "Jansen",
        "contact_email": "p.jansen@example.invalid",
    }
    data.update(changes)
    return data


def test_the_client_form_refuses_an_invalid_postcode_in_dutch(client, office):
    klant = ClientFactory(name="Klant Formulier")
    client.force_login(office)
    url = f"/admin/dossier/klanten/edit/{klant.pk}/"
    response = client.post(url, _client_form(klant, postcode="12345"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "geen geldige Nederlandse postcode" in page
    assert "Lindelaan 12" in page  # what was typed is kept
    klant.refresh_from_db()
    assert klant.postcode == ""


def test_the_client_form_saves_the_address_and_contact_normalised(client, office):
    klant = ClientFactory(name="Klant Formulier")
    client.force_login(office)
    url = f"/admin/dossier/klanten/edit/{klant.pk}/"
    response = client.post(url, _client_form(klant))
    assert response.status_code == 302
    klant.refresh_from_db()
    assert (klant.street, klant.postcode, klant.city) == (
        "Lindelaan 12",
        "7311 AB",
        "Apeldoorn",
    )
    assert client_salutation(klant) == "Geachte heer Jansen,"


def _page_images(data: bytes) -> list:
    reader = PdfReader(io.BytesIO(data))
    return [image for page in reader.pages for image in page.images]


def test_the_logo_stands_in_the_letterhead_when_set(appeal, org):
    assert _page_images(letter_pdf(case=appeal, kind=Kind.APPEAL_ACK)) == []
    org.logo = Image.objects.create(
        title="Logo CIIO",
        file=get_test_image_file(colour="#124e78", size=(300, 120)),
    )
    org.save()
    data = letter_pdf(case=appeal, kind=Kind.APPEAL_ACK)
    assert len(_page_images(data)) == 1
    if os.environ.get("LETTER_PDF_OUT"):  # to look at it: pdf2png.sh
        with open(os.environ["LETTER_PDF_OUT"], "wb") as out:
            out.write(data)


def test_without_a_logo_the_letterhead_shows_the_name_as_a_mark(appeal):
    text = pdf_text(letter_pdf(case=appeal, kind=Kind.APPEAL_ACK))
    assert "C CIIO Kwaliteitszaken" in text
    assert _page_images(letter_pdf(case=appeal, kind=Kind.APPEAL_ACK)) == []


def test_a_letter_to_look_at(appeal):
    data = _pdf(appeal, Kind.APPEAL_ACK, _signer())
    if os.environ.get("LETTER_PDF_OUT_PLAIN"):
        with open(os.environ["LETTER_PDF_OUT_PLAIN"], "wb") as out:
            out.write(data)
    assert data.startswith(b"%PDF")


def test_templates_stored_before_get_the_salutation_and_function_once(db):
    migration = importlib.import_module(
        "cases.migrations.0011_client_postal_address_contact"
    )
    template = letter_template(Kind.COMPLAINT_ACK)
    template.body = (
        "Geachte heer, mevrouw,\r\n\r\nUw klacht.\r\n\r\n"
        "Met vriendelijke groet,\r\n{{ afzender }}\r\n\r\n{{ medewerker }}"
    )
    template.save()
    edited = letter_template(Kind.APPEAL_ACK)
    own_wording = "Beste klant,\n\nUw beroep.\n\n{{ medewerker }}, {{ functie }}"
    edited.body = own_wording
    edited.save()

    migration.upgrade_letter_templates(apps, None)
    migration.upgrade_letter_templates(apps, None)

    template.refresh_from_db()
    assert template.body.startswith("{{ aanhef }}\r\n")
    assert template.body.count("{{ aanhef }}") == 1
    assert template.body.endswith("{{ medewerker }}\n{{ functie }}")
    assert "Uw klacht.\r\n" in template.body
    assert template.body.count("{{ functie }}") == 1
    edited.refresh_from_db()
    assert edited.body == own_wording


def test_the_organisation_settings_offer_logo_phone_and_website(client, org):
    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    response = client.get(f"/admin/settings/portal/organisationsettings/{org.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    for name in ("logo", "phone", "website", "address"):
        assert f'name="{name}"' in page


def test_the_client_form_offers_address_and_contact(client, office):
    client.force_login(office)
    page = client.get("/admin/dossier/klanten/add/").content.decode()
    for name in ("street", "postcode", "city", "contact_salutation", "contact_surname"):
        assert f'name="{name}"' in page
