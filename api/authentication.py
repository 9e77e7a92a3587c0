"""API keys (industries.ApiKey): ``Authorization: Token <key>`` or ``Api-Key <key>``, or HTTP Basic with the
key as the password.

A key is stored hashed beside its prefix, expires, and can be revoked; it authenticates as its user, so
DRF's model permissions and ``industries.view_personal`` apply to it unchanged. GIS clients can send Basic
credentials but not always a header of one's choosing: QGIS 3.22 has no "API header" authentication method
(later versions do). The Basic user name is ignored; only an API key is taken as the password, never an
account's password, so Basic here is no way to guess logins.
"""

import base64
import binascii

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed

from industries.history import history_context
from industries.models import ApiKey

KEYWORDS = (b"token", b"api-key")
INVALID = "Invalid, expired or revoked API key. / এপিআই কী সঠিক নয়, মেয়াদোত্তীর্ণ বা বাতিল।"


def user_of_key(key: str):
    """(user, key) for a usable key; AuthenticationFailed for an unknown, expired or revoked one, or one
    whose user is inactive."""
    try:
        api_key = ApiKey.objects.get_from_key(key)
    except ApiKey.DoesNotExist:
        raise AuthenticationFailed(INVALID) from None
    if api_key.has_expired or not api_key.user.is_active:
        raise AuthenticationFailed(INVALID)
    history_context(api_key=api_key.prefix)  # which key made a change, in the versions it makes
    return api_key.user, api_key


class ApiKeyAuthentication(BaseAuthentication):
    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() not in KEYWORDS:
            return None
        if len(parts) != 2:
            raise AuthenticationFailed(
                "Send 'Authorization: Token <key>'. / 'Authorization: Token <কী>' পাঠান।"
            )
        try:
            key = parts[1].decode()
        except UnicodeDecodeError:
            raise AuthenticationFailed(INVALID) from None
        return user_of_key(key)

    def authenticate_header(self, request):
        return "Token"  # a 401, not a 403, for a request without credentials


class KeyAsBasicPassword(BaseAuthentication):
    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != b"basic":
            return None
        try:
            if len(parts) != 2:
                raise ValueError
            _, separator, key = base64.b64decode(parts[1], validate=True).decode().partition(":")
            if not separator or not key:
                raise ValueError
        except (ValueError, binascii.Error, UnicodeDecodeError):
            raise AuthenticationFailed(
                "Basic credentials must be any user name and an API key as the password. / "
                "Basic-এ যেকোনো ব্যবহারকারীর নাম এবং পাসওয়ার্ড হিসেবে এপিআই কী দিন।"
            ) from None
        return user_of_key(key)

    def authenticate_header(self, request):
        return "Basic"


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ApiKeyAuthentication"
    name = "apiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "'Token <key>' or 'Api-Key <key>': an API key made by an admin "
            "(Industries › API keys). Keys expire and can be revoked.",
        }
