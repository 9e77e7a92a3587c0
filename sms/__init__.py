"""Sending SMS: one interface (``sms.backends.SmsBackend``), one module per way of sending, chosen in
settings."""
