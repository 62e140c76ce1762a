"""Benchmark (not a test): bounded text extraction of large and hostile files.

Run from the project root:

    .venv/bin/python scripts/bench_extraction.py [--mb 50] [--timeout 30]
        [--memory-mb 512] [--keep DIR] [--json out.json]

Builds, in a throw-away folder, a realistic large PDF (a scanned report: every page
a text layer of Dutch words over a page-sized image, about `--mb` MB in all), a
small PDF and DOCX, and the hostile samples of ``tests/files/hostile.py`` (a DOCX
zip bomb, a DOCX whose one paragraph needs gigabytes, a PDF whose content stream
inflates to 70 MiB, a PDF that takes minutes), then extracts each through
``files.extraction.bounded.run_bounded`` with the limits given (the production
defaults unless overridden) and prints a table: file, size, wall time, the child's
peak resident memory and the result.

Peak memory is the child's own high-water mark (VmHWM in /proc: the child reports
it when it answers, the parent reads it just before killing a child that ran out
of time). ``ru_maxrss`` of the children is no use here: on Linux it includes the
parent's memory at the moment of the fork. No project settings are loaded: Django
is configured with just what extraction needs. Exit status 0 always.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import shutil
import sys
import tempfile
import time
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MIB = 1024 * 1024
_WORDS = [
    "klacht",
    "beroep",
    "bezwaar",
    "certificaat",
    "beoordeling",
    "audit",
    "dossier",
    "bevinding",
    "maatregel",
    "procedure",
    "kwaliteit",
    "onderzoek",
    "verslag",
    "hoorzitting",
    "commissie",
    "besluit",
    "termijn",
    "cliënt",
    "zorginstelling",
    "verbetering",
    "afwijking",
    "norm",
    "eis",
    "toetsing",
    "rapportage",
    "geëscaleerd",
    "ontvankelijk",
    "gegrond",
    "ongegrond",
    "bemiddeling",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mb", type=int, default=50, help="size of the large PDF")
    parser.add_argument("--timeout", type=float, default=30)
    parser.add_argument("--memory-mb", type=int, default=512)
    parser.add_argument("--keep", type=Path, help="write the samples here and keep")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    _configure_django()

    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench-extraction-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        started = time.monotonic()
        files = _write_samples(folder, args.mb)
        print(f"Samples built in {time.monotonic() - started:.1f} s in {folder}")
        print(f"Limits: {args.timeout:g} s, {args.memory_mb} MB\n")
        rows = _run(files, args.timeout, args.memory_mb)
        if args.json:
            args.json.write_text(
                json.dumps(
                    {
                        "timeout_s": args.timeout,
                        "memory_mb": args.memory_mb,
                        "large_mb": args.mb,
                        "files": rows,
                    },
                    indent=2,
                ),
                "utf-8",
            )
            print(f"\nJSON: {args.json}")
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)


def _configure_django() -> None:
    import django
    from django.conf import settings

    settings.configure(
        USE_I18N=True,
        LANGUAGE_CODE="nl",
        INSTALLED_APPS=[],
        LOCALE_PATHS=[ROOT / "locale"],
    )
    django.setup()


def _write_samples(folder: Path, mb: int) -> list[tuple[Path, str]]:
    from tests import samples
    from tests.files import hostile

    built = [
        ("tiny.txt", b"Een kort verslag.", "text/plain"),
        ("procedure.pdf", samples.pdf(), "application/pdf"),
        ("verslag.docx", samples.docx(), ""),
        (f"scan-{mb}mb.pdf", scanned_report(mb), "application/pdf"),
        ("zip-bomb.docx", hostile.docx_zip_bomb(), ""),
        ("huge-paragraph.docx", hostile.docx_one_huge_paragraph(), ""),
        ("huge-stream.pdf", hostile.pdf_huge_stream(), "application/pdf"),
        ("slow.pdf", hostile.pdf_slow(), "application/pdf"),
    ]
    files = []
    for name, data, content_type in built:
        path = folder / name
        path.write_bytes(data)
        files.append((path, content_type))
    return files


def scanned_report(mb: int) -> bytes:
    """A PDF of about `mb` MB like a scanned report: every page an image (random
    bytes, as incompressible as a photo) with a text layer of ~400 Dutch words."""
    from tests.files.hostile import pdf_from_objects

    rng = random.Random(14)  # noqa: S311 (sample text, not a secret)
    image_bytes = 100_000
    pages = max(1, mb * MIB // (image_bytes + 1500))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"",  # the page tree, once the page numbers are known
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    kids = []
    for page in range(pages):
        lines = [" ".join(rng.choice(_WORDS) for _ in range(12)) for _ in range(34)]
        text = f"BT /F1 10 Tf 50 800 Td 12 TL (Pagina {page + 1}) Tj\n".encode()
        for line in lines:
            text += b"T* (" + line.encode("cp1252") + b") Tj\n"
        text += b"ET\nq 595 0 0 842 0 0 cm /Im0 Do Q\n"
        content = zlib.compress(text, 6)
        image = rng.randbytes(image_bytes)
        image_number = len(objects) + 1
        objects.append(
            b"<< /Type /XObject /Subtype /Image /Width 250 /Height 400 "
            b"/ColorSpace /DeviceGray /BitsPerComponent 8 /Length %d >>\n"
            b"stream\n" % len(image) + image + b"\nendstream"
        )
        objects.append(
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content)
            + content
            + b"\nendstream"
        )
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            b"/Resources << /Font << /F1 3 0 R >> /XObject << /Im0 %d 0 R >> >> "
            b"/Contents %d 0 R >>" % (image_number, image_number + 1)
        )
        kids.append(b"%d 0 R" % len(objects))
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(kids), pages)
    return pdf_from_objects(objects)


def _run(files: list[tuple[Path, str]], timeout: float, memory_mb: int) -> list:
    from files.extraction.bounded import run_bounded

    header = f"{'file':<22} {'size':>9} {'wall':>8} {'CPU':>8} {'peak mem':>9}  result"
    print(header)
    print("-" * len(header))
    rows = []
    for path, content_type in files:
        run = run_bounded(
            path,
            content_type=content_type,
            filename=path.name,
            timeout=timeout,
            memory_mb=memory_mb,
        )
        if run.result.error:
            result = f"{run.outcome}: {run.result.error}"
        else:
            result = f"{run.outcome}: {len(run.result.text):,} characters of text"
        print(
            f"{path.name:<22} {_size(path.stat().st_size):>9} "
            f"{run.wall_seconds:>7.2f}s {run.cpu_seconds:>7.2f}s "
            f"{run.peak_rss_kb / 1024:>6.0f} MB  {result}"
        )
        rows.append(
            {
                "file": path.name,
                "bytes": path.stat().st_size,
                "wall_s": round(run.wall_seconds, 2),
                "cpu_s": round(run.cpu_seconds, 2),
                "peak_mb": round(run.peak_rss_kb / 1024, 1),
                "outcome": run.outcome,
                "error": run.result.error,
                "characters": len(run.result.text),
            }
        )
    # The same large file in this process, unbounded, for comparison.
    large = next(path for path, _ in files if path.name.startswith("scan-"))
    print(f"\nIn-process (unbounded) for comparison, {large.name}:")
    _in_process(large)
    return rows


def _in_process(path: Path) -> None:
    from files.extraction import extract_text

    gc.collect()
    reset = _reset_peak()
    before = _status_kb("VmRSS") if reset else _status_kb("VmHWM")
    started = time.monotonic()
    cpu_started = time.process_time()
    result = extract_text(path, content_type="application/pdf")
    wall = time.monotonic() - started
    cpu = time.process_time() - cpu_started
    grown = (_status_kb("VmHWM") - before) / 1024
    print(
        f"  {wall:.2f}s wall, {cpu:.2f}s CPU, peak memory of this process "
        f"+{grown:.0f} MB{'' if reset else ' (lower bound)'}, "
        f"{len(result.text):,} characters"
    )


def _reset_peak() -> bool:
    """Reset this process's VmHWM to its current RSS, where Linux allows it."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def _status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    return 0


def _size(size: int) -> str:
    if size >= MIB:
        return f"{size / MIB:.1f} MB"
    return f"{size / 1024:.0f} KB"


if __name__ == "__main__":
    main()
