"""A local SSLCommerz API v4 gateway for the tests and the demo: ``python -m payments.sandbox --port 8001``.

A separate process of the standard library only (no Django); see ``server.py``.
"""
