"""The certificate's verification token: ``<opaque id>.<key id><signature>``, printed in its QR.

The opaque id is random and says nothing; the signature is an HMAC-SHA256 of it under the key named by the
key id, so keys can be rotated (settings.CERTIFICATE_SIGNING_KEYS: old keys stay to verify, the current one
signs). A token whose signature does not match is not ours, without a database lookup.
"""

import base64
import hashlib
import hmac
import secrets

from django.conf import settings

SIGNATURE_CHARS = 16  # 96 bits of the HMAC, base64url: short enough for a small QR


def new_public_id() -> str:
    return secrets.token_urlsafe(9)  # 12 characters, 72 random bits


def _key(key_id: str) -> str | None:
    if settings.CERTIFICATE_SIGNING_KEYS:
        return settings.CERTIFICATE_SIGNING_KEYS.get(key_id)
    if key_id != "s1":
        return None
    return hmac.new(settings.SECRET_KEY.encode(), b"geodb-certificate-key-s1", hashlib.sha256).hexdigest()


def _signature(public_id: str, key_id: str) -> str | None:
    key = _key(key_id)
    if not key:
        return None
    digest = hmac.new(key.encode(), public_id.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")[:SIGNATURE_CHARS]


def token_for(public_id: str, key_id: str | None = None) -> str:
    key_id = key_id or settings.CERTIFICATE_SIGNING_KEY_ID
    signature = _signature(public_id, key_id)
    if signature is None:
        raise KeyError(f"no certificate signing key {key_id!r}")
    return f"{public_id}.{key_id}{signature}"


def public_id_of(token: str) -> str | None:
    """The opaque id of a token we signed, or None (tampered, unknown key, malformed)."""
    public_id, dot, signed = (token or "").partition(".")
    if not dot or not public_id or len(signed) <= SIGNATURE_CHARS:
        return None
    key_id, signature = signed[:-SIGNATURE_CHARS], signed[-SIGNATURE_CHARS:]
    expected = _signature(public_id, key_id)
    if expected is None or not hmac.compare_digest(expected, signature):
        return None
    return public_id
