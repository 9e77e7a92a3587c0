"""How SSLCommerz signs what it posts (the IPN and the browser's redirect form).

Kept apart from the server and free of state so a test can check a signature with it. The merchant's client
has its own verifier; this one is deliberately independent of it.
"""

import hashlib

UNSIGNED = frozenset({"verify_sign", "verify_sign_sha2", "verify_key"})


def sign(fields: dict, store_passwd: str) -> tuple[str, str, str]:
    """Return ``(verify_key, verify_sign, verify_sign_sha2)`` for ``fields``.

    SSLCommerz (documented for the MD5 variant): ``verify_key`` is the comma-separated names of the signed
    fields (every posted field except the three signature fields, in the order given). Take those fields, add
    ``store_passwd`` = md5_hex(store password), sort by key, join as ``k=v&k=v`` with no URL-encoding; then
    ``verify_sign`` = md5_hex(that string).

    ⚠ ``verify_sign_sha2`` is our assumption: the same string hashed with SHA-256.
    """
    names = [name for name in fields if name not in UNSIGNED]
    signed = {name: str(fields[name]) for name in names}
    signed["store_passwd"] = hashlib.md5(store_passwd.encode()).hexdigest()
    text = "&".join(f"{key}={signed[key]}" for key in sorted(signed))
    return (
        ",".join(names),
        hashlib.md5(text.encode()).hexdigest(),
        hashlib.sha256(text.encode()).hexdigest(),
    )
