"""``manage.py benchmark_register --sandbox``: the case register at scale (issue 15,
item 4).

Never on the portal's own data: without ``--sandbox`` it refuses; with it, it
runs itself again in a child process in a throwaway database
(`portal.sandbox`, as ``benchmark_review`` does), which migrates the empty
database, generates the register in bulk (`portal.bench.generate`: 20,000
cases of every kind, 200,000 logbook lines, 5,000 evidence rows, a user per
role) and times, per role, the register listing with and without filters, its
CSV and XLSX export (with their peak memory), the dashboards, a case page with
200 logbook lines and a dossier with 500 files (`portal.bench.measure`). It
prints a table and writes a JSON file.
"""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from portal.bench import measure, report
from portal.bench.generate import Plan, generate
from portal.sandbox import SANDBOX_SETTINGS, in_sandbox, run_in_sandbox


class Command(BaseCommand):
    help = (
        "Meet hoe snel het casusregister, de exports, de dashboards, een zaak en "
        "een dossier per rol laden, op een gegenereerd register in een tijdelijke "
        "database (--sandbox)."
    )

    def add_arguments(self, parser):
        defaults = Plan()
        parser.add_argument(
            "--cases", type=int, default=defaults.cases, help="aantal zaken"
        )
        parser.add_argument(
            "--events", type=int, default=defaults.events, help="aantal logboekregels"
        )
        parser.add_argument(
            "--files", type=int, default=defaults.files, help="aantal bewijsstukken"
        )
        parser.add_argument("--rounds", type=int, default=5, help="herhalingen")
        parser.add_argument(
            "--json",
            default=None,
            help="pad van het JSON-resultaat (standaard benchmark-register-<N>.json)",
        )
        parser.add_argument(
            "--sandbox",
            action="store_true",
            help="in een tijdelijke SQLite-database draaien (verplicht)",
        )
        parser.add_argument(
            "--workdir", default=None, help="map voor de tijdelijke werkmap"
        )
        parser.add_argument(
            "--keep", action="store_true", help="werkmap na afloop niet verwijderen"
        )
        parser.add_argument("--inner", action="store_true", help="(intern)")

    def handle(self, *args, **options):
        if options["cases"] < 100:
            raise CommandError("Gebruik minstens 100 zaken.")
        if options["rounds"] < 1:
            raise CommandError("Gebruik minstens één herhaling.")
        json_path = Path(
            options["json"] or f"benchmark-register-{options['cases']}.json"
        ).resolve()
        if options["inner"]:
            return self._inner(options, json_path)
        if not options["sandbox"]:
            raise CommandError(
                "Deze meting schrijft duizenden zaken weg en draait daarom alleen "
                "met --sandbox (een tijdelijke database, nooit de eigen gegevens)."
            )
        returncode = run_in_sandbox(
            "benchmark_register",
            [
                f"--cases={options['cases']}",
                f"--events={options['events']}",
                f"--files={options['files']}",
                f"--rounds={options['rounds']}",
                f"--json={json_path}",
            ],
            prefix="benchmark-register-",
            workdir=options["workdir"],
            keep=options["keep"],
            announce=self.stdout.write,
        )
        if returncode:
            raise CommandError(f"De meting is mislukt (code {returncode}).")
        return None

    def _inner(self, options, json_path: Path):
        if not in_sandbox():
            raise CommandError(
                f"--inner draait alleen met {SANDBOX_SETTINGS} (tijdelijke werkmap)."
            )

        def out(text="", ending="\n"):
            self.stdout.write(text, ending=ending)
            self.stdout.flush()

        seconds = {}
        started = time.perf_counter()
        if _unmigrated():
            call_command("migrate", verbosity=0, interactive=False)
        seconds["migrate"] = round(time.perf_counter() - started, 1)
        out(f"Database aangemaakt in {seconds['migrate']:.1f} s")

        plan = Plan(
            cases=options["cases"], events=options["events"], files=options["files"]
        )
        started = time.perf_counter()
        reg = generate(plan)
        seconds["generate"] = round(time.perf_counter() - started, 1)
        c = reg.counts
        out(
            f"Gegenereerd in {seconds['generate']:.1f} s: {c['cases']:,} zaken "
            f"({c['signal']:,} signalen, {c['complaint']:,} klachten, "
            f"{c['appeal']:,} beroepen, {c['mediation']:,} mediations) bij "
            f"{c['clients']:,} klanten, {c['events']:,} logboekregels, "
            f"{c['files']:,} bewijsstukken"
        )

        started = time.perf_counter()
        results = measure.measure(reg, options["rounds"], out=out)
        seconds["measure"] = round(time.perf_counter() - started, 1)
        out(
            f"\n{options['rounds']} herhalingen per pagina "
            f"(p50 en p95 van de duur, queries per verzoek, "
            f"piekgeheugen van de export volgens tracemalloc):\n"
        )
        for line in report.table(results):
            out(line)
        report.write_json(
            json_path,
            plan=plan.as_dict(),
            counts=reg.counts,
            timings=seconds,
            results=results,
        )
        out(f"\nJSON: {json_path}")


def _unmigrated() -> bool:
    """Whether the database lacks migrations: always for a new sandbox; not for
    a test database (the smoke test runs ``--inner`` there)."""
    executor = MigrationExecutor(connection)
    targets = executor.loader.graph.leaf_nodes()
    return bool(executor.migration_plan(targets))
