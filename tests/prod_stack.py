"""The production stack on loopback (scripts/serve_prod.sh: nginx -> gunicorn and the worker), started for a
test or a benchmark. Standard library only: the benchmarks import it before Django is set up."""

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def serve_prod(port: int, env: dict[str, str]) -> subprocess.Popen:
    """The stack serving on ``port`` (in its own process group, so ``os.killpg`` stops all of it), once it
    says so. RuntimeError if it ends before."""
    server = subprocess.Popen(
        [str(ROOT / "scripts" / "serve_prod.sh"), str(port)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    for line in server.stdout:
        if line.startswith("Serving http://"):
            return server
    raise RuntimeError(f"serve_prod.sh ended with {server.wait()}")
