"""Real Chromium for the browser tests: Debian's, headless, driven through Playwright's sync API."""

from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections
from django.test import Client
from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# A small phone's screen, the width the pages are made for.
PHONE = {"width": 360, "height": 740}
# Screenshots the tests leave for a person to look at.
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


@contextmanager
def chromium():
    """A launched Chromium, closed afterwards."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    # Playwright's sync API keeps an event loop in this thread, so Django would take the ORM calls of the
    # test and of live_server's teardown for calls from async code. None of them runs inside that loop.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                yield browser
            finally:
                browser.close()
                # While that loop runs, asgiref's Local (Django's connections) holds this thread's
                # connections apart from those it has outside the loop, so the test's ORM calls open
                # connections of their own, which nothing else closes: close them here, or they outlive the
                # test and keep pytest-django from dropping the test database.
                connections.close_all()


def session_cookie(user, url: str) -> dict:
    """The cookie of a logged-in session of ``user``, for a browser context on ``url``."""
    client = Client()
    client.force_login(user)
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": url,
    }
