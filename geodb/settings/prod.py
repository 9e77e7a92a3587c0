"""Production: everything secret or host-specific comes from the environment, and is required."""

import os

from .base import *  # noqa: F403

SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
if not ALLOWED_HOSTS:  # noqa: F405
    raise RuntimeError("Set DJANGO_ALLOWED_HOSTS (comma-separated) for production.")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
