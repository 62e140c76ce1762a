"""A demo history for management information (issue 13, item 7): client signals
and complaints over the last five years, most of them closed, and quarterly
core-group meetings with fixed minutes, so that "Directiebeoordeling" and its
charts show something meaningful after ``make run``.

Generated (a fixed seed), clearly demo: every text ends in "(demo-historie)". The
rows are written as the register's own steps leave them: gap-free numbers from
``cases.numbering``, the logbook rows with their states and moments (the register
reads a closing date from them), no mail and no letter. Only ``make run`` loads
it (``manage.py load_demo_history``); the tests' demo stays small.
"""

from __future__ import annotations

import datetime
import random

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from cases.deadlines import LOCAL, appeal_term_end
from cases.models import (
    Appeal,
    Audit,
    CaseEvent,
    CertificationDecision,
    Client,
    Complaint,
    Signal,
)
from cases.numbering import next_case_number
from insights.services import meeting_fix_minutes, meeting_plan, meeting_record
from portal.roles import CERTIFICATION_DECIDER, role_group

MARK = "(demo-historie)"
YEARS = 5

SAYINGS = (
    "Het rapport kwam later dan afgesproken",
    "De planning van de onderzoeksdag werd kort van tevoren gewijzigd",
    "De beoordelaar stelde vragen buiten de scope van het onderzoek",
    "De factuur klopte niet met de offerte",
    "Bevindingen werden niet in het slotgesprek genoemd",
    "De klant kreeg geen reactie op een e-mail over het verbeterplan",
)
MEASURES = (
    "Planning wordt wekelijks bewaakt door de officemanager.",
    "Slotgesprek volgt voortaan een vaste agenda met alle bevindingen.",
    "Facturen worden vóór verzending tegen de offerte gecontroleerd.",
    "Beoordelaars kregen een korte scholing over de scope van onderzoeken.",
)
LESSONS = (
    "Afspraken over termijnen vooraf schriftelijk bevestigen.",
    "Wijzigingen in de planning tijdig en persoonlijk melden.",
    "Bevindingen in het slotgesprek volledig benoemen voorkomt verrassingen.",
)


def _moment(rng: random.Random, year: int, until: datetime.datetime):
    start = datetime.datetime(year, 1, 1, 8, tzinfo=LOCAL)
    end = min(datetime.datetime(year, 12, 31, 17, tzinfo=LOCAL), until)
    seconds = int((end - start).total_seconds())
    if seconds <= 0:
        return None
    moment = start + datetime.timedelta(seconds=rng.randrange(seconds))
    return moment.replace(hour=rng.randrange(8, 18), minute=rng.randrange(60))


def _events(case, rows) -> None:
    """The logbook of ``case``: ``rows`` of (action, from, to, at, actor)."""
    case_type = ContentType.objects.get_for_model(type(case))
    for action, source, target, at, actor in rows:
        event = CaseEvent.objects.create(
            case_type=case_type,
            case_id=case.pk,
            action=action,
            from_state=source,
            to_state=target,
            actor=actor,
        )
        CaseEvent.objects.filter(pk=event.pk).update(at=at)  # at is auto_now_add


def history_loaded() -> bool:
    return Signal.objects.filter(description__endswith=MARK).exists()


@transaction.atomic
def load_demo_history(now: datetime.datetime | None = None, seed: int = 2305) -> int:
    """Create the history where it is missing (never twice); the number of
    cases created."""
    if history_loaded():
        return 0
    now = now or timezone.now()
    rng = random.Random(seed)  # noqa: S311 (demo data, not security)
    User = get_user_model()
    quality = User.objects.get(username="kwaliteit")
    office = User.objects.get(username="office")
    assessor = User.objects.get(username="beoordelaar")
    handlers = list(User.objects.filter(username__in=("kerngroep", "kerngroep2")))
    clients = list(Client.objects.order_by("name"))
    created = 0
    recent = now - datetime.timedelta(days=75)  # received since: still open
    for year in range(now.year - YEARS + 1, now.year + 1):
        for _i in range(rng.randrange(14, 24)):
            received = _moment(rng, year, now - datetime.timedelta(days=3))
            if received is None:
                continue
            created += _one_case(
                rng, received, recent, quality, office, assessor, handlers, clients
            )
        for _i in range(rng.randrange(1, 4)):
            decided = _moment(rng, year, now - datetime.timedelta(days=90))
            if decided is not None:
                created += _one_appeal(rng, decided, office, assessor, clients)
    _meetings(now, quality)
    return created


def _one_case(rng, received, recent, quality, office, assessor, handlers, clients):
    client = rng.choice(clients)
    holder = rng.random() < 0.15
    channel = rng.choice(Signal.Channel.values)
    saying = rng.choice(SAYINGS)
    # S3: most signals qualified within the 48 hours, some later.
    qualify_hours = rng.choice([2, 5, 20, 30, 44, 47, 60, 75])
    qualified = received + datetime.timedelta(hours=qualify_hours)
    is_complaint = rng.random() < 0.7
    signal = Signal.objects.create(
        number=next_case_number(Signal.PREFIX, year=received.year),
        client=client,
        about_certificate_holder=holder,
        channel=channel,
        received_at=received,
        description=f"{saying}. {MARK}",
        reported_by=assessor,
        decide_by=received + datetime.timedelta(hours=48),
        state=Signal.State.COMPLAINT if is_complaint else Signal.State.NOT_COMPLAINT,
        ground=rng.choice(["a", "b", "c"]) if is_complaint else "",
        qualification_reason=f"Beoordeeld door de portefeuillehouder. {MARK}",
        qualified_at=qualified,
        qualified_by=quality,
    )
    action = "qualify_complaint" if is_complaint else "qualify_not_complaint"
    _events(
        signal,
        [
            ("record", "", Signal.State.RECEIVED, received, assessor),
            (action, Signal.State.RECEIVED, signal.state, qualified, quality),
        ],
    )
    if not is_complaint:
        return 1
    handler = rng.choice(handlers)
    registered = qualified + datetime.timedelta(hours=rng.randrange(1, 30))
    handle_by = received + datetime.timedelta(days=30)
    still_open = received > recent
    # C6: most handled within the month, some later.
    days = rng.choice([6, 12, 18, 25, 28, 29, 35, 48])
    satisfied = received + datetime.timedelta(days=days)
    closed = satisfied + datetime.timedelta(hours=rng.randrange(2, 48))
    anonymised = rng.random() < 0.35
    complaint = Complaint.objects.create(
        number=next_case_number(Complaint.PREFIX, year=received.year),
        signal=signal,
        client=client,
        about=Complaint.About.CERTIFICATE_HOLDER
        if holder
        else Complaint.About.ORGANISATION,
        received_at=received,
        formal_written=False,
        description=f"{saying}. {MARK}",
        cause_analysis=f"Afspraken niet vastgelegd. {MARK}",
        handler=handler,
        handle_by=handle_by,
        registered_by=office,
        procedure_version="P-07 versie 2305",
        solution="" if still_open else f"Excuses en een nieuwe afspraak. {MARK}",
        measures="" if still_open else f"{rng.choice(MEASURES)} {MARK}",
        lessons_learned="" if still_open else f"{rng.choice(LESSONS)} {MARK}",
        discuss_anonymised=anonymised and not still_open,
        anonymised_summary=(
            f"{saying} bij een klant; de aanpak is aangepast. {MARK}"
            if anonymised and not still_open
            else ""
        ),
        # C10: now and then the handling shows the procedure must change.
        leads_to_change=(change := not still_open and rng.random() < 0.12),
        change_note=f"Planning opnemen in de procedure. {MARK}" if change else "",
        satisfied_at=None if still_open else satisfied,
        satisfaction_note="" if still_open else f"Telefonisch bevestigd. {MARK}",
        closed_at=None if still_open else closed,
        # C9: management decided how a holder complaint is followed up.
        follow_up=(
            Complaint.FollowUp.NEXT_REGULAR if holder and not still_open else ""
        ),
        follow_up_decided_at=(
            satisfied - datetime.timedelta(days=2)
            if holder and not still_open
            else None
        ),
        state=Complaint.State.IN_PROGRESS if still_open else Complaint.State.CLOSED,
    )
    S = Complaint.State
    rows = [
        ("register", "", S.REGISTERED, registered, office),
        (
            "assign_handler",
            S.REGISTERED,
            S.IN_PROGRESS,
            registered + datetime.timedelta(hours=2),
            quality,
        ),
    ]
    if not still_open:
        rows += [
            ("record_satisfaction", S.IN_PROGRESS, S.IN_PROGRESS, satisfied, handler),
            ("close", S.IN_PROGRESS, S.CLOSED, closed, handler),
        ]
    _events(complaint, rows)
    return 2


def _meetings(now, quality) -> None:
    """A core-group meeting every quarter since the history begins, its cases
    discussed and its minutes fixed; the cases closed since the last one wait."""
    today = timezone.localdate(now)
    attendees = list(
        get_user_model().objects.filter(
            username__in=("kwaliteit", "office", "kerngroep", "kerngroep2")
        )
    )
    period_start = datetime.date(today.year - YEARS + 1, 1, 1)
    day = datetime.date(today.year - YEARS + 1, 3, 15)
    while day < today - datetime.timedelta(days=100):
        meeting = meeting_plan(
            by=quality,
            held_on=day,
            period_start=period_start,
            location="Utrecht (demo)",
            attendees=attendees,
        )
        meeting_record(
            meeting=meeting,
            by=quality,
            items={
                item.pk: (True, f"Besproken; maatregel volstaat. {MARK}")
                for item in meeting.items.all()
            },
            satisfaction_notes=f"Klanten zijn overwegend tevreden. {MARK}",
            decisions=f"Planning blijft vast agendapunt. {MARK}",
        )
        fixed = datetime.datetime.combine(
            day + datetime.timedelta(days=2), datetime.time(10), tzinfo=LOCAL
        )
        meeting_fix_minutes(meeting=meeting, by=quality, now=fixed)
        period_start = day + datetime.timedelta(days=1)
        month = day.month + 3
        day = datetime.date(day.year + (month > 12), (month - 1) % 12 + 1, 15)


def _archive_decider():
    """The decider of the demo history's contested decisions: not a login (an
    appeal is decided by another decider than the one contested)."""
    user, created = get_user_model().objects.get_or_create(
        username="beslisser-archief",
        defaults={"first_name": "Jan", "last_name": "Archief", "is_active": False},
    )
    if created:
        user.set_unusable_password()
        user.save()
        user.groups.add(role_group(CERTIFICATION_DECIDER))
    return user


def _one_appeal(rng, decided, office, assessor, clients) -> int:
    """A contested decision and its appeal, decided and its outcome sent (A1-A9):
    most upheld, some changed by a new decision that supersedes the old one."""
    User = get_user_model()
    decider = User.objects.get(username="beslisser")
    client = rng.choice(clients)
    audit = Audit.objects.create(
        client=client,
        kind=Audit.Kind.FOLLOW_UP,
        start_date=(decided - datetime.timedelta(days=30)).date(),
        team_leader=assessor,
    )
    emailed = decided + datetime.timedelta(hours=3)
    decision = CertificationDecision.objects.create(
        audit=audit,
        decider=_archive_decider(),
        outcome=rng.choice(["suspended", "refused", "continued"]),
        motivation=f"Tekortkomingen niet tijdig opgelost. {MARK}",
        decided_at=decided,
        emailed_at=emailed,
    )
    received = emailed + datetime.timedelta(days=rng.randrange(2, 20))
    days = rng.choice([10, 20, 30, 38, 41, 50, 60])
    outcome_at = received + datetime.timedelta(days=days)
    changed = rng.random() < 0.3
    new = None
    if changed:
        new = CertificationDecision.objects.create(
            audit=audit,
            decider=decider,
            outcome="continued",
            motivation=f"Na beroep: het verbeterplan was tijdig. {MARK}",
            decided_at=outcome_at,
            emailed_at=outcome_at + datetime.timedelta(hours=2),
            supersedes=decision,
            supersede_reason=f"Beroep gegrond verklaard. {MARK}",
        )
    sent = outcome_at + datetime.timedelta(days=1)
    appeal = Appeal.objects.create(
        number=next_case_number(Appeal.PREFIX, year=received.astimezone(LOCAL).year),
        decision=decision,
        appellant=client,
        channel="email",
        received_at=received,
        motivation=f"Het verbeterplan is niet meegewogen. {MARK}",
        state=Appeal.State.CLOSED,
        term_ends_at=appeal_term_end(emailed),
        decide_by=received
        + datetime.timedelta(days=settings.PORTAL_APPEAL_DECISION_DAYS),
        decider=decider,
        acknowledged_at=received + datetime.timedelta(days=1),
        outcome="changed" if changed else "upheld",
        outcome_motivation=f"De beslissing is opnieuw gewogen. {MARK}",
        new_decision=new,
        decided_at=outcome_at,
        outcome_sent_at=sent,
        procedure_version="P-07 versie 2305",
        registered_by=office,
    )
    S = Appeal.State
    day = datetime.timedelta(days=1)
    _events(
        appeal,
        [
            ("lodge", "", S.RECEIVED, received, office),
            ("acknowledge", S.RECEIVED, S.ACKNOWLEDGED, received + day, office),
            ("assign_decider", S.ACKNOWLEDGED, S.ASSIGNED, received + 2 * day, office),
            ("decide", S.ASSIGNED, S.DECIDED, outcome_at, decider),
            ("send_outcome", S.DECIDED, S.CLOSED, sent, office),
        ],
    )
    return 1
