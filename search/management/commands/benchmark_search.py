"""``manage.py benchmark_search --documents 100000``: measure search and indexing.

The command never touches the portal's own data. It creates a temporary folder
and runs itself again in a child process under
:mod:`search.backends.whoosh.bench.settings` (a fresh SQLite database and index in
that folder), which

1. loads a synthetic Dutch corpus of evidence texts
   (:mod:`search.backends.whoosh.bench.corpus`) spread over 100 client dossiers,
   with a user who sees everything (office manager) and a user who sees one
   dossier (about 1 %) through a grant;
2. indexes it with a plain Whoosh writer (stock ``LanguageAnalyzer("nl")``),
   with ``manage.py update_index`` through our backend, and with
   ``update_index`` for modelsearch's database backend (SQLite FTS5);
3. runs 20 queries (common and rare words, two-word AND, phrases) for both
   users through the portal's scoped search on both backends and as a bare
   Whoosh query on our index (the floor), interleaved, for several rounds;
4. prints the tables and writes everything to a JSON file.

``--peer-database postgres://...`` runs the same corpus and queries once more
through modelsearch's database backend on PostgreSQL (the stock production
peer), in a database created for the run and dropped afterwards, and prints it
beside the portal. ``--corpus corpus.jsonl`` reads the corpus and queries that
``shared/bench/make_corpus.py`` wrote instead of generating them.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portal.sandbox import SANDBOX_SETTINGS, run_in_sandbox

#: The benchmark measures the Whoosh backend (against bare Whoosh), so it lives
#: with that backend.
BENCH_SETTINGS = SANDBOX_SETTINGS


class Command(BaseCommand):
    help = (
        "Meet zoek- en indexeersnelheid op een synthetisch Nederlands corpus, in een "
        "tijdelijke database en index (nooit de eigen gegevens van het portaal)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--documents", type=int, default=10_000, help="aantal documenten"
        )
        parser.add_argument(
            "--rounds", type=int, default=5, help="herhalingen van de 20 zoekvragen"
        )
        parser.add_argument(
            "--json",
            default=None,
            help="pad van het JSON-resultaat (standaard benchmark-search-<N>.json)",
        )
        parser.add_argument(
            "--workdir", default=None, help="map voor de tijdelijke werkmap"
        )
        parser.add_argument(
            "--keep", action="store_true", help="werkmap na afloop niet verwijderen"
        )
        parser.add_argument(
            "--no-plain",
            action="store_true",
            help="de kale Whoosh-schrijver overslaan (traag bij grote N)",
        )
        parser.add_argument(
            "--tracemalloc",
            action="store_true",
            help="piek van het Python-geheugen bij update_index meten (trager)",
        )
        parser.add_argument(
            "--db-timeout",
            type=float,
            default=20.0,
            help="tijdslimiet per zoekvraag van de database-backend (s)",
        )
        parser.add_argument(
            "--corpus",
            default=None,
            help=(
                "corpus.jsonl van shared/bench/make_corpus.py (met queries.json "
                "ernaast) in plaats van het ingebouwde corpus"
            ),
        )
        parser.add_argument(
            "--peer-database",
            default=None,
            help=(
                "postgres://... : meet ook modelsearch's database-backend op "
                "PostgreSQL (maakt een eigen tijdelijke database en verwijdert die)"
            ),
        )
        parser.add_argument("--inner", action="store_true", help="(intern)")
        parser.add_argument("--peer", action="store_true", help="(intern)")

    def handle(self, *args, **options):
        if options["documents"] < 100:
            raise CommandError("Gebruik minstens 100 documenten.")
        json_path = Path(
            options["json"] or f"benchmark-search-{options['documents']}.json"
        ).resolve()
        if options["inner"]:
            return self._inner(options, json_path)
        arguments = [
            f"--documents={options['documents']}",
            f"--rounds={options['rounds']}",
            f"--db-timeout={options['db_timeout']}",
        ]
        if options["no_plain"]:
            arguments.append("--no-plain")
        if options["tracemalloc"]:
            arguments.append("--tracemalloc")
        if options["corpus"]:
            corpus = Path(options["corpus"]).resolve()
            if not corpus.is_file():
                raise CommandError(f"Corpusbestand niet gevonden: {corpus}")
            arguments.append(f"--corpus={corpus}")
        code = self._sandboxed(options, [*arguments, f"--json={json_path}"])
        if code:
            raise CommandError(f"De meting is mislukt (code {code}).")
        if options["peer_database"]:
            self._peer(options, arguments, json_path)
        return None

    def _sandboxed(self, options, arguments, extra_env=None) -> int:
        return run_in_sandbox(
            "benchmark_search",
            arguments,
            prefix="benchmark-search-",
            workdir=options["workdir"],
            keep=options["keep"],
            announce=self.stdout.write,
            extra_env=extra_env,
        )

    def _peer(self, options, arguments, json_path):
        """The same corpus and queries through modelsearch's database backend on
        PostgreSQL, in a database made for this run and dropped afterwards."""
        from search.backends.whoosh.bench import peer_database
        from search.backends.whoosh.bench.report import print_peer

        peer_json = json_path.with_name(json_path.stem + "-peer.json")
        with peer_database.temporary(options["peer_database"], self.stdout) as url:
            code = self._sandboxed(
                options,
                [*arguments, "--peer", f"--json={peer_json}"],
                extra_env={"PORTAL_BENCH_DATABASE_URL": url},
            )
        if code:
            raise CommandError(f"De meting van de peer is mislukt (code {code}).")
        main = json.loads(json_path.read_text("utf-8"))
        peer = json.loads(peer_json.read_text("utf-8"))
        main["peer"] = peer
        json_path.write_text(json.dumps(main, indent=2, default=str), "utf-8")
        print_peer(main, peer, lambda text="": self.stdout.write(text))

    def _inner(self, options, json_path):
        if not getattr(settings, "BENCHMARK_SANDBOX", False):
            raise CommandError(
                f"--inner draait alleen met {BENCH_SETTINGS} (tijdelijke werkmap)."
            )
        from search.backends.whoosh.bench import harness

        def out(text="", ending="\n"):
            self.stdout.write(text, ending=ending)
            self.stdout.flush()

        if options["peer"]:
            result = harness.run_peer(
                options["documents"],
                options["rounds"],
                out=out,
                db_timeout=options["db_timeout"],
                corpus_path=options["corpus"],
            )
        else:
            result = harness.run(
                options["documents"],
                options["rounds"],
                plain=not options["no_plain"],
                trace=options["tracemalloc"],
                out=out,
                db_timeout=options["db_timeout"],
                corpus_path=options["corpus"],
            )
        json_path.write_text(json.dumps(result, indent=2, default=str), "utf-8")
        out(f"\nJSON: {json_path}")
