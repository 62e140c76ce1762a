"""Demo content for `manage.py load_demo`: an organisation, one user per role, a few
clients and a small quality handbook. Every text here is a short summary written for
the demo, clearly marked as such, not the organisation's real procedure."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from cases.models import Audit, Client, Complaint, Notary
from cases.services import (
    certificate_issue,
    complaint_assign_handler,
    complaint_register,
    decision_mark_emailed,
    decision_record,
    evidence_upload,
    signal_qualify,
    signal_record,
)
from documents.models import HandbookPage, ProcedurePage

from . import roles
from .models import OrganisationSettings
from .services import site_structure_ensure

DEMO_PASSWORD = "demo-portaal-2026"  # noqa: S105 - printed on purpose for the demo

DEMO_NOTE = (
    "Demo-inhoud: deze tekst is een korte samenvatting die voor de demonstratie van "
    "het portaal is geschreven. Het is niet de geldende procedure."
)


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    role: str | None
    superuser: bool = False
    function: str = ""  # under the name in a letter's signature


DEMO_USERS = (
    DemoUser(
        "kwaliteit",
        "Karin",
        "de Vries",
        roles.QUALITY_OFFICER,
        function="Portefeuillehouder kwaliteit",
    ),
    DemoUser(
        "office", "Olga", "Jansen", roles.OFFICE_MANAGER, function="Officemanager"
    ),
    DemoUser("directie", "Dirk", "Bakker", roles.MANAGEMENT, function="Directeur"),
    DemoUser(
        "kerngroep",
        "Kees",
        "Visser",
        roles.CORE_GROUP,
        function="Lid kerngroep, senior beoordelaar",
    ),
    DemoUser(
        "kerngroep2", "Fatima", "El Amrani", roles.CORE_GROUP, function="Lid kerngroep"
    ),
    DemoUser("beoordelaar", "Bram", "Smit", roles.ASSESSOR, function="Beoordelaar"),
    DemoUser(
        "beslisser",
        "Els",
        "Mulder",
        roles.CERTIFICATION_DECIDER,
        function="Certificatiebeslisser",
    ),
    DemoUser(
        "notaris",
        "Anna",
        "de Groot",
        roles.EXTERNAL_MEDIATOR,
        function="Mediation-notaris",
    ),
    DemoUser(
        "beheerder",
        "Ben",
        "Beheer",
        None,
        superuser=True,
        function="Functioneel beheerder",
    ),
)


@dataclass(frozen=True)
class DemoClient:
    name: str
    region: str
    city: str
    status: str
    street: str = ""
    postcode: str = ""
    # The contact person letters are addressed to: (salutation, initials, surname).
    contact: tuple[str, str, str] = ("", "", "")


DEMO_CLIENTS = (
    DemoClient(
        "Zorggroep De Linde",
        "GE",
        "Apeldoorn",
        "holder",
        street="Lindelaan 12",
        postcode="7311 AB",
        contact=("mevrouw", "M.", "van Dijk"),
    ),
    DemoClient(
        "Stichting Kinderopvang Het Anker",
        "ZH",
        "Leiden",
        "holder",
        street="Havenkade 3a",
        postcode="2311 CD",
        contact=("heer", "P.J.", "Jansen"),
    ),
    DemoClient(
        "Welzijn Noord B.V.",
        "GR",
        "Groningen",
        "applicant",
        street="Noorderweg 80",
        postcode="9711 EF",
        contact=("", "S.", "de Boer"),
    ),
    # No contact person yet: its letters open with "Geachte heer, mevrouw,".
    DemoClient(
        "Thuiszorg Brabantse Wal",
        "NB",
        "Bergen op Zoom",
        "holder",
        street="Zuidzijde 20",
        postcode="4611 CK",
    ),
)


def _section(heading, *paragraphs, bullets=None, note=None):
    content = [("paragraph", f"<p>{p}</p>") for p in paragraphs]
    if bullets:
        content.append(("bullets", list(bullets)))
    if note:
        content.append(("note", {"text": note}))
    return ("section", {"heading": heading, "content": content})


DEMO_PROCEDURES = (
    {
        "code": "P-01",
        "title": "Beheer van kwaliteitsdocumenten",
        "version_label": "2401",
        "effective_date": datetime.date(2024, 1, 15),
        "summary": "Hoe procedures worden opgesteld, goedgekeurd, gepubliceerd en "
        "periodiek beoordeeld.",
        "body": [
            _section(
                "Doel",
                "Iedereen werkt met de geldende versie van elk kwaliteitsdocument.",
                note=DEMO_NOTE,
            ),
            _section(
                "Werkwijze",
                "De portefeuillehouder Q stelt een wijziging op als concept. De "
                "directie keurt het concept goed, waarna het wordt gepubliceerd.",
                bullets=[
                    "Elke versie krijgt een versienummer JJMM.",
                    "Beoordelaars bevestigen dat zij een nieuwe versie hebben gelezen.",
                    "Elk document wordt minstens eenmaal per jaar beoordeeld.",
                ],
            ),
        ],
    },
    {
        "code": "P-03",
        "title": "Uitvoering van onderzoeken",
        "version_label": "2309",
        "effective_date": datetime.date(2023, 9, 1),
        "summary": "Voorbereiding, uitvoering en rapportage van een onderzoek bij een "
        "klantorganisatie.",
        "body": [
            _section(
                "Voorbereiding",
                "De teamleider stelt het onderzoeksplan op en stemt het af met de "
                "klant.",
                note=DEMO_NOTE,
            ),
            _section(
                "Evaluatie met de klant",
                "Aan het einde van elke onderzoeksdag bespreekt de beoordelaar kort "
                "het verloop met de klant. Opmerkingen die op ongenoegen wijzen, "
                "meldt de beoordelaar direct als klantsignaal.",
            ),
        ],
    },
    {
        "code": "P-05",
        "title": "Certificatiebeslissing",
        "version_label": "2402",
        "effective_date": datetime.date(2024, 2, 1),
        "summary": "Hoe de certificatiebeslisser op basis van het rapport een "
        "beslissing neemt en die per e-mail aan de klant meedeelt.",
        "body": [
            _section(
                "Beslissing",
                "De certificatiebeslisser was niet betrokken bij het onderzoek. De "
                "beslissing wordt met motivering per e-mail aan de klant gestuurd; "
                "vanaf dat moment loopt de beroepstermijn van een maand.",
                note=DEMO_NOTE,
            ),
        ],
    },
    {
        "code": "P-07",
        "title": "Klachten en beroep",
        "version_label": "2305",
        "effective_date": datetime.date(2023, 5, 1),
        "is_public": True,
        "summary": "Hoe wij omgaan met klantsignalen, klachten, bemiddeling en beroep "
        "tegen certificatiebeslissingen.",
        "body": [
            _section(
                "Klachten",
                "Elke medewerker geeft klantsignalen door aan de portefeuillehouder "
                "Q, die binnen 48 uur beslist of het signaal als klacht wordt "
                "behandeld. Een kerngroeplid dat niet bij de situatie betrokken was, "
                "behandelt de klacht, in principe binnen een maand.",
                note=DEMO_NOTE,
            ),
            _section(
                "Bemiddeling",
                "Komen klant en organisatie niet tot een oplossing, dan kan de zaak "
                "worden voorgelegd aan een mediation-notaris uit de regio van de "
                "klant. Wij bieden een keuze uit drie notarissen.",
            ),
            _section(
                "Beroep",
                "Tegen een certificatiebeslissing kan binnen een maand na de e-mail "
                "met de beslissing schriftelijk beroep worden ingesteld.",
                bullets=[
                    "Alleen de certificaathouder of aanvrager zelf kan beroep "
                    "instellen.",
                    "Het beroep bevat een motivering.",
                    "Een andere certificatiebeslisser behandelt het beroep.",
                    "De uitkomst is definitief.",
                ],
            ),
        ],
    },
)


@transaction.atomic
def load_demo(stdout=None) -> list[tuple[DemoUser, bool]]:
    """Create the demo content where it is missing; never overwrite what exists.

    Returns the demo users with a flag saying whether each was created now."""

    site_structure_ensure()
    org = OrganisationSettings.load()
    if not org.full_name:
        org.name = "CIIO"
        org.full_name = "CIIO, certificatie-instelling (demo)"
        org.email = "kwaliteit@ciio.invalid"
        org.save()
    if not org.address:
        # The letterhead's address and contact details (letters to clients).
        org.address = "Postbus 1234\n3500 AA  Utrecht"
        org.phone = org.phone or "030 000 00 00"
        org.website = org.website or "www.ciio.invalid"
        org.save()

    User = get_user_model()
    result = []
    for demo in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=demo.username,
            defaults={
                "first_name": demo.first_name,
                "last_name": demo.last_name,
                "email": f"{demo.username}@ciio.invalid",
                "is_superuser": demo.superuser,
                "is_staff": demo.superuser,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        if demo.function and not user.function:
            user.function = demo.function
            user.save(update_fields=["function"])
        if demo.role:
            user.groups.add(roles.role_group(demo.role))
        result.append((demo, created))

    for demo in DEMO_CLIENTS:
        salutation, initials, surname = demo.contact
        address = {
            "street": demo.street,
            "postcode": demo.postcode,
            "contact_salutation": salutation,
            "contact_initials": initials,
            "contact_surname": surname,
        }
        client, created = Client.objects.get_or_create(
            name=demo.name,
            defaults={
                "region": demo.region,
                "city": demo.city,
                "status": demo.status,
                "contact_email": "contact@"
                + demo.name.lower().split()[0].replace(".", "")
                + ".invalid",
                **address,
            },
        )
        if not created and not client.street:
            # A demo loaded before clients had a postal address gets one.
            for field, value in address.items():
                setattr(client, field, value)
            client.save(update_fields=list(address))

    _load_demo_dossiers()

    handbook = HandbookPage.objects.order_by("path").first()
    if handbook is not None:
        for spec in DEMO_PROCEDURES:
            if ProcedurePage.objects.filter(code=spec["code"]).exists():
                continue
            page = ProcedurePage(
                title=spec["title"],
                code=spec["code"],
                version_label=spec["version_label"],
                effective_date=spec["effective_date"],
                review_date=spec["effective_date"].replace(
                    year=spec["effective_date"].year + 1
                ),
                summary=spec["summary"],
                is_public=spec.get("is_public", False),
                body=spec["body"],
                change_summary="Eerste versie in het portaal (demo).",
            )
            handbook.add_child(instance=page)
            page.save_revision().publish()
            handbook.refresh_from_db()
    _load_demo_register()  # after the procedures: cases record P-07's version
    return result


def _load_demo_dossiers() -> None:
    """One certified client with a follow-up audit, an e-mailed decision, a
    certificate and a report; one applicant with an initial audit."""

    User = get_user_model()
    if Audit.objects.exists():
        return
    office = User.objects.get(username="office")
    assessor = User.objects.get(username="beoordelaar")
    core = User.objects.get(username="kerngroep")
    decider = User.objects.get(username="beslisser")
    linde = Client.objects.get(name="Zorggroep De Linde")
    noord = Client.objects.get(name="Welzijn Noord B.V.")

    audit = Audit.objects.create(
        client=linde,
        kind=Audit.Kind.FOLLOW_UP,
        start_date=datetime.date(2026, 9, 14),
        end_date=datetime.date(2026, 9, 16),
        team_leader=assessor,
        notes="Vervolgonderzoek (demo): drie locaties bezocht.",
    )
    audit.assessors.add(core)
    decided = timezone.make_aware(datetime.datetime(2026, 10, 5, 10, 0))  # noqa: DTZ001
    decision = decision_record(
        audit=audit,
        decider=decider,
        outcome="continued",
        motivation="Het rapport toont dat aan alle normen wordt voldaan (demo).",
        decided_at=decided,
        # The office manager records who decided (a decider sees the audit
        # through the decision from then on).
        by=office,
    )
    decision_mark_emailed(
        decision=decision, at=decided + datetime.timedelta(hours=2), by=decider
    )
    certificate_issue(
        client=linde,
        number="CIIO-2023-017",
        scope="Zorgverlening in de wijk en op drie locaties (demo).",
        valid_from=datetime.date(2023, 10, 1),
        valid_until=datetime.date(2027, 9, 30),
        decision=decision,
        by=office,
    )
    report = ContentFile(
        b"Onderzoeksrapport vervolgonderzoek Zorggroep De Linde (demo)\n\n"
        b"Bevinding: de klachtenregistratie op locatie Noord is niet "
        b"volledig.\n",
        name="onderzoeksrapport-de-linde-2026.txt",
    )
    evidence_upload(
        client=linde,
        uploaded_file=report,
        by=office,
        description="Eindrapport van het vervolgonderzoek (demo).",
        audit=audit,
    )
    initial = Audit.objects.create(
        client=noord,
        kind=Audit.Kind.INITIAL,
        start_date=datetime.date(2026, 11, 2),
        team_leader=core,
        notes="Eerste onderzoek (demo).",
    )
    initial.assessors.add(assessor)


DEMO_NOTARIES = (
    ("mr. A.M. (Anna) de Groot", "De Groot Notarissen", "GE", "Arnhem"),
    ("mr. P. (Pieter) Hendriks", "Notariaat Veluwe", "GE", "Apeldoorn"),
    ("mr. S. (Sanne) Willems", "Willems & Van Dijk", "GE", "Nijmegen"),
    ("mr. R. (Rob) Jacobs", "Jacobs Notariaat", "GE", "Ede"),
    ("mr. L. (Lotte) Kramer", "Kramer Notarissen", "UT", "Utrecht"),
)


def _load_demo_register() -> None:
    """A notary register, a complaint in progress and a fresh signal to qualify:
    enough to walk through the register (issue 4)."""

    for name, firm, region, city in DEMO_NOTARIES:
        Notary.objects.get_or_create(
            name=name,
            defaults={
                "firm": firm,
                "region": region,
                "city": city,
                "email": f"{firm.split()[0].lower()}@notaris.invalid",
            },
        )
    anna = Notary.objects.get(name__startswith="mr. A.M. (Anna)")
    if anna.user_id is None:
        anna.user = get_user_model().objects.get(username="notaris")
        anna.save(update_fields=["user"])
    tied = Notary.objects.get(name__startswith="mr. R. (Rob)")
    tied.tied_clients.add(Client.objects.get(name="Zorggroep De Linde"))
    if not tied.ties_note:
        tied.ties_note = "Was tot 2025 notaris van Zorggroep De Linde (demo)."
        tied.save(update_fields=["ties_note"])
    if Complaint.objects.exists():
        return
    User = get_user_model()
    quality = User.objects.get(username="kwaliteit")
    office = User.objects.get(username="office")
    assessor = User.objects.get(username="beoordelaar")
    core = User.objects.get(username="kerngroep")
    anker = Client.objects.get(name="Stichting Kinderopvang Het Anker")
    now = timezone.now()
    signal = signal_record(
        by=office,
        client=anker,
        channel="email",
        received_at=now - datetime.timedelta(days=9),
        description="E-mail met onderwerp 'Klacht': het rapport kwam drie weken na "
        "de afgesproken datum en de bevindingen over locatie Zuid kloppen niet "
        "(demo).",
    )
    signal_qualify(
        signal=signal,
        by=quality,
        is_complaint=True,
        ground="a",
        reason="Schriftelijk en duidelijk als klacht gelabeld (demo).",
    )
    complaint = complaint_register(
        signal=signal,
        by=office,
        description="Rapport te laat en bevindingen over locatie Zuid onjuist (demo).",
        formal_written=True,
        references="P-03 Uitvoering onderzoek; rapport 2026-031.",
        involved_staff=[assessor],
    )
    complaint_assign_handler(complaint=complaint, handler=core, by=quality)
    signal_record(
        by=assessor,
        client=Client.objects.get(name="Thuiszorg Brabantse Wal"),
        channel="in_person",
        received_at=now - datetime.timedelta(hours=20),
        description="Bij de evaluatie na de onderzoeksdag zei de directeur dat de "
        "planning te krap was en dat hij zich niet gehoord voelde (demo).",
    )
