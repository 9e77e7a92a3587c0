"""What the history triggers (industries.EnterpriseEvent) cost the importer: the same imports with the
triggers on and off, in the same run, on the pilot-shaped file of bench/import_bench.py.

For each mode (triggers on, then off: ALTER TABLE ... DISABLE TRIGGER USER) on a fresh database it times
1. the import of N new enterprises (N inserts, N versions);
2. the import of the same file with every product changed (N updates, N versions);
3. that file again (nothing changes: no writes, no versions).
It prints each time and the ratio on/off.

    .venv/bin/python bench/history_bench.py --count 63000
"""

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import import_bench  # sets Django up
import pandas as pd

import_bench.BENCH_DB = "geodb_history_bench"


def imports(count: int, first: Path, changed: Path, tmp: Path, *, triggers: bool) -> list[float]:
    env = import_bench.fresh_database()
    env["GEODB_MEDIA_ROOT"] = str(tmp / "media")
    if not triggers:
        import_bench.psql(
            "-c", "ALTER TABLE industries_enterprise DISABLE TRIGGER USER", db=import_bench.BENCH_DB
        )
    command = [sys.executable, "manage.py", "import_enterprises"]
    times = [
        import_bench.timed([*command, str(path), "--survey", f"bench {count} {path.stem}"], env)
        for path in (first, changed, changed)
    ]
    return times


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=63_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        first, changed = tmp / "first.csv", tmp / "changed.csv"
        import_bench.make_file(args.count, first)
        frame = pd.read_csv(first, dtype=str, keep_default_na=False)
        frame["প্রধান পণ্য"] = frame["প্রধান পণ্য"] + " (2)"
        frame.to_csv(changed, index=False, encoding="utf-8")
        on = imports(args.count, first, changed, tmp, triggers=True)
        off = imports(args.count, first, changed, tmp, triggers=False)
    import_bench.psql("-c", f"DROP DATABASE IF EXISTS {import_bench.BENCH_DB}")
    print(f"rows: {args.count:,}")
    for label, with_, without in zip(
        ("create (N inserts)", "update every row", "unchanged re-import"), on, off, strict=True
    ):
        print(f"  {label:22} triggers on {with_:6.1f} s  off {without:6.1f} s  ratio {with_ / without:.2f}x")


if __name__ == "__main__":
    main()
