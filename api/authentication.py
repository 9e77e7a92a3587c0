"""API keys sent as the password of HTTP Basic, beside ``Authorization: Token <key>``.

GIS clients can send Basic credentials but not always a header of one's choosing: QGIS 3.22 has no
"API header" authentication method (later versions do). The user name is ignored; only an API key is
taken as the password, never an account's password, so Basic here is no way to guess logins.
"""

import base64
import binascii

from rest_framework.authentication import TokenAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed


class KeyAsBasicPassword(TokenAuthentication):
    keyword = "Basic"

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
        return self.authenticate_credentials(key)
