"""A full download of the enterprises layer in QGIS (headless, Debian's python3-qgis): how many requests
and how long, against a baseline server in the same run.

The baseline is another running copy of the service, e.g. the commit before a change, served from a git
worktree on another port against the same database; both are read by the same QGIS, alternately:

    git worktree add /tmp/geodb-before <commit> && cd /tmp/geodb-before && \\
        /work/main/.venv/bin/python manage.py runserver 127.0.0.1:8001 --noreload &
    .venv/bin/python manage.py runserver 127.0.0.1:8000 --noreload &
    .venv/bin/python bench/qgis_bench.py --url http://127.0.0.1:8000/ogc --baseline http://127.0.0.1:8001/ogc/

(Before 2026-12 the service had to be given as /ogc/: QGIS 3.22 could not follow the redirect from /ogc.)

Both servers need a rate limit above the download (GEODB_OGC_ANON_RATE=100000/minute).
"""

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "qgis_oapif.py"


def download(url: str) -> dict:
    started = time.perf_counter()
    result = subprocess.run(
        ["/usr/bin/python3", str(SCRIPT), url, "--collections", "enterprises", "--iterate"],
        capture_output=True,
        text=True,
        check=True,
    )
    seconds = time.perf_counter() - started
    layer = json.loads(result.stdout)["layers"][url]["enterprises"]
    if not layer["valid"]:
        raise SystemExit(f"QGIS could not open {url}: {layer['error']}")
    items = [u for u in layer["requests"] if "/items" in u]
    count, read = layer["feature_count"], layer["iterated"]
    return {"seconds": seconds, "items": len(items), "count": count, "read": read}


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--url", required=True)
    parser.add_argument("--baseline", required=True)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    runs = {"ours": [], "baseline": []}
    for _ in range(args.repeat):
        runs["baseline"].append(download(args.baseline))
        runs["ours"].append(download(args.url))
    print(f"{'':10} {'features':>9} {'QGIS count':>10} {'item requests':>13} {'median s':>9}")
    for name, results in runs.items():
        last = results[-1]
        median = statistics.median(r["seconds"] for r in results)
        print(f"{name:10} {last['read']:>9,} {last['count']:>10,} {last['items']:>13,} {median:>9.1f}")
    ours, base = runs["ours"][-1], runs["baseline"][-1]
    print(f"requests ours/baseline: {ours['items'] / base['items']:.3f}")
    ratio = statistics.median(r["seconds"] for r in runs["ours"]) / statistics.median(
        r["seconds"] for r in runs["baseline"]
    )
    print(f"time ours/baseline: {ratio:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
