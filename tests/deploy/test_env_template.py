"""The environment-file template of a deployment (deploy/geodb.env.example) names every variable that the
settings, the gunicorn config and the worker read, so an operator sees each one before going live."""

import re

from django.conf import settings

READERS = [
    *sorted((settings.BASE_DIR / "geodb" / "settings").glob("*.py")),
    settings.BASE_DIR / "deploy" / "gunicorn.conf.py",
    settings.BASE_DIR / "scripts" / "worker.py",
]
# os.environ.get("X"), os.environ["X"], and prod.py's _flag("X", default).
READ = re.compile(r"""(?:os\.environ(?:\.get\(|\[)|_flag\()\s*["']([A-Z][A-Z0-9_]+)["']""")


def test_every_variable_read_is_in_the_template():
    read = {name for path in READERS for name in READ.findall(path.read_text())}
    assert {"DATABASE_URL", "DJANGO_SECRET_KEY", "GEODB_WEB_WORKERS"} <= read  # the scan works
    template = (settings.BASE_DIR / "deploy" / "geodb.env.example").read_text()
    listed = set(re.findall(r"^#?([A-Z][A-Z0-9_]+)=", template, flags=re.MULTILINE))
    assert sorted(read - listed) == []
