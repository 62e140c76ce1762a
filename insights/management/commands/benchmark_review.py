"""``manage.py benchmark_review --sandbox --cases 20000``: time the figures and
charts of the annual management review (C11) on a generated register.

The command never touches the portal's own data: without ``--sandbox`` it
refuses. With it, it creates a temporary folder and runs itself again in a
child process under the benchmark settings
(``search.backends.whoosh.bench.settings``: a fresh SQLite file and search
index in that folder, nothing indexed on save), which migrates the empty
database, bulk-inserts the cases with their logbooks spread over three years,
and times `annual_figures` (with its number of queries) and the three charts.
"""

from __future__ import annotations

import datetime
import random
import statistics
import time

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases import kinds
from insights import charts
from insights.figures import annual_figures
from portal.sandbox import SANDBOX_SETTINGS, in_sandbox, run_in_sandbox


class Command(BaseCommand):
    help = (
        "Meet hoe snel de cijfers en grafieken van de directiebeoordeling worden "
        "gemaakt, op een gegenereerd register in een tijdelijke database (--sandbox)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, default=20_000, help="aantal zaken")
        parser.add_argument(
            "--year", type=int, default=None, help="jaar van de beoordeling"
        )
        parser.add_argument("--rounds", type=int, default=3, help="herhalingen")
        parser.add_argument(
            "--sandbox",
            action="store_true",
            help="in een tijdelijke SQLite-database draaien (verplicht)",
        )
        parser.add_argument(
            "--workdir", default=None, help="map voor de tijdelijke werkmap"
        )
        parser.add_argument("--inner", action="store_true", help="(intern)")

    def handle(self, *args, **options):
        if options["cases"] < 10:
            raise CommandError("Gebruik minstens 10 zaken.")
        if options["inner"]:
            return self._inner(options)
        if not options["sandbox"]:
            raise CommandError(
                "Deze meting schrijft duizenden zaken weg en draait daarom alleen "
                "met --sandbox (een tijdelijke database, nooit de eigen gegevens)."
            )
        arguments = [f"--cases={options['cases']}", f"--rounds={options['rounds']}"]
        if options["year"]:
            arguments.append(f"--year={options['year']}")
        returncode = run_in_sandbox(
            "benchmark_review",
            arguments,
            prefix="benchmark-review-",
            workdir=options["workdir"],
        )
        if returncode:
            raise CommandError(f"De meting is mislukt (code {returncode}).")
        return None

    def _inner(self, options):
        if not in_sandbox():
            raise CommandError(
                f"--inner draait alleen met {SANDBOX_SETTINGS} (tijdelijke werkmap)."
            )
        year = options["year"] or datetime.date.today().year - 1  # noqa: DTZ011
        out = self.stdout.write
        started = time.perf_counter()
        call_command("migrate", verbosity=0, interactive=False)
        out(f"Database aangemaakt in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        _generate(options["cases"], year)
        out(
            f"{options['cases']} zaken met logboek aangemaakt in "
            f"{time.perf_counter() - started:.1f} s"
        )
        timings: dict[str, list[float]] = {"annual_figures": []}
        queries = 0
        figures = None
        for _round in range(options["rounds"]):
            with CaptureQueriesContext(connection) as ctx:
                t0 = time.perf_counter()
                figures = annual_figures(year)
                timings["annual_figures"].append(1000 * (time.perf_counter() - t0))
            queries = len(ctx.captured_queries)
            for chart in (charts.bars_per_month, charts.timeliness, charts.trend):
                t0 = time.perf_counter()
                chart(figures)
                timings.setdefault(chart.__name__, []).append(
                    1000 * (time.perf_counter() - t0)
                )
        out(f"\nJaar {year}, {options['rounds']} herhalingen (mediaan, langste):")
        for name, values in timings.items():
            med = statistics.median(values)
            out(f"  {name:<16} {med:9.1f} ms {max(values):9.1f} ms")
        out(f"  queries in annual_figures: {queries}")
        received = sum(r["received"] for r in figures["cases"] if "_" not in r["key"])
        out(f"  ontvangen in {year}: {received}")


def _generate(n: int, year: int) -> None:
    """``n`` cases over ``year`` and the two years before, with their logbook:
    about half signals, the rest complaints (each from a signal), appeals and
    mediations. Bulk inserts; moments chosen here, not stamped at insert."""
    # The register's models through its registry and the app registry: this
    # app reads the register only through its selectors (and writes nothing
    # outside the sandbox).
    Signal, Complaint, Appeal, Mediation = (
        kinds.by_key(k).model for k in ("signal", "complaint", "appeal", "mediation")
    )
    Audit = apps.get_model("cases", "Audit")
    CaseEvent = apps.get_model("cases", "CaseEvent")
    CertificationDecision = apps.get_model("cases", "CertificationDecision")
    Client = apps.get_model("cases", "Client")
    User = get_user_model()
    stamped = [
        CaseEvent._meta.get_field("at"),
        *(m._meta.get_field("registered_at") for m in (Complaint, Appeal, Mediation)),
    ]
    for field in stamped:
        field.auto_now_add = False  # the moments are chosen here (a child process)
    tz = datetime.UTC
    rng = random.Random(13)  # noqa: S311 (synthetic data)
    user = User.objects.create(
        username="benchmark", first_name="Bench", last_name="Mark"
    )
    clients = Client.objects.bulk_create(
        Client(name=f"Klantorganisatie {i}", region="UT", city="Utrecht")
        for i in range(200)
    )
    audit = Audit.objects.create(
        client=clients[0],
        kind=Audit.Kind.FOLLOW_UP,
        start_date=datetime.date(year - 2, 1, 5),
        team_leader=user,
    )
    decision = CertificationDecision.objects.create(
        audit=audit,
        decider=user,
        outcome="continued",
        motivation="Voldoet.",
        decided_at=datetime.datetime(year - 2, 1, 10, tzinfo=tz),
    )
    h, d = datetime.timedelta(hours=1), datetime.timedelta(days=1)
    start = datetime.datetime(year - 2, 1, 1, 8, tzinfo=tz)
    span = (datetime.datetime(year + 1, 1, 1, tzinfo=tz) - start).total_seconds()

    def moment():
        return start + datetime.timedelta(seconds=rng.randrange(int(span) - 86400 * 60))

    events = []  # (model, index, from, to, at)
    n_appeals = n // 10
    n_mediations = n // 20
    n_signals = max((n - n_appeals - n_mediations) * 2 // 3, 1)
    n_complaints = n - n_appeals - n_mediations - n_signals
    signals = []
    for i in range(n_signals):
        received = moment()
        qualified = received + rng.randrange(1, 70) * h
        state = (
            "complaint"
            if i < n_complaints
            else rng.choice(["not_complaint", "received"])
        )
        signals.append(
            Signal(
                number=f"S-{i:06d}",
                client=rng.choice(clients),
                channel=rng.choice(Signal.Channel.values),
                received_at=received,
                description="Signaal",
                reported_by=user,
                decide_by=received + 48 * h,
                state=state,
                ground=rng.choice("abc") if state == "complaint" else "",
                qualified_at=None if state == "received" else qualified,
            )
        )
        events.append((Signal, i, "", "received", received))
        if state != "received":
            events.append((Signal, i, "received", state, qualified))
    Signal.objects.bulk_create(signals, batch_size=2000)
    complaints = []
    for i, signal in enumerate(signals[:n_complaints]):
        received = signal.received_at
        closed = received + rng.randrange(3, 60) * d
        state = rng.choice(["in_progress", "closed", "closed", "closed"])
        complaints.append(
            Complaint(
                number=f"K-{i:06d}",
                signal=signal,
                client=signal.client,
                received_at=received,
                registered_at=received,
                description="Klacht",
                handle_by=received + 30 * d,
                state=state,
                registered_by=user,
                procedure_version=rng.choice(["2209", "2305"]),
                satisfied_at=closed if state == "closed" else None,
            )
        )
        events.append((Complaint, i, "", "registered", received))
        events.append((Complaint, i, "registered", "in_progress", received + h))
        if state == "closed":
            events.append((Complaint, i, "in_progress", "closed", closed))
    Complaint.objects.bulk_create(complaints, batch_size=2000)
    appeals = []
    for i in range(n_appeals):
        received = moment()
        decided = received + rng.randrange(5, 60) * d
        state = rng.choice(["assigned", "decided", "closed"])
        appeals.append(
            Appeal(
                number=f"B-{i:06d}",
                decision=decision,
                appellant=rng.choice(clients),
                channel="email",
                received_at=received,
                registered_at=received,
                decide_by=received + 42 * d,
                state=state,
                registered_by=user,
                outcome=""
                if state == "assigned"
                else rng.choice(["upheld", "changed"]),
                decided_at=None if state == "assigned" else decided,
            )
        )
        events.append((Appeal, i, "", "received", received))
        events.append((Appeal, i, "received", "assigned", received + d))
        if state != "assigned":
            events.append((Appeal, i, "assigned", "decided", decided))
        if state == "closed":
            events.append((Appeal, i, "decided", "closed", decided + d))
    Appeal.objects.bulk_create(appeals, batch_size=2000)
    mediations = []
    for i in range(n_mediations):
        registered = moment()
        state = rng.choice(["escalated", "closed"])
        mediations.append(
            Mediation(
                number=f"M-{i:06d}",
                decision=decision,
                claimant=rng.choice(clients),
                reason="Geen oplossing.",
                registered_at=registered,
                state=state,
                registered_by=user,
            )
        )
        events.append((Mediation, i, "", "escalated", registered))
        if state == "closed":
            events.append((Mediation, i, "escalated", "closed", registered + 40 * d))
    Mediation.objects.bulk_create(mediations, batch_size=2000)
    rows = {
        Signal: signals,
        Complaint: complaints,
        Appeal: appeals,
        Mediation: mediations,
    }
    types = {m: ContentType.objects.get_for_model(m) for m in rows}
    logbook = [
        CaseEvent(
            case_type=types[model],
            case_id=rows[model][i].pk,
            action="step",
            from_state=a,
            to_state=b,
            at=at,
            actor=user,
        )
        for model, i, a, b, at in events
    ]
    CaseEvent.objects.bulk_create(logbook, batch_size=5000)
