"""Payment gateways behind one interface, one module per vendor, chosen by name in settings.PAYMENT_GATEWAYS.

SSLCommerz is the one there is (sslcommerz.py). Sonali Bank's gateway or A-Challan, ekPay or bKash would be
another class with the same four methods: open a session, read a notification, validate a payment, and look
up a transaction.
"""

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.utils.module_loading import import_string


class GatewayError(Exception):
    """The gateway could not be asked, or gave no usable answer (unreachable, timed out, garbled). Nothing is
    decided on it: the attempt stays as it was, to be asked again."""


class SessionRefused(GatewayError):
    """The gateway answered, and would not open a payment session (its reason in the message)."""


@dataclass(frozen=True)
class Invoice:
    """What we ask the payer to pay, as stored on our side."""

    tran_id: str
    amount: Decimal
    currency: str
    description: str
    customer_name: str
    customer_phone: str
    customer_email: str
    customer_address: str
    customer_city: str
    success_url: str
    fail_url: str
    cancel_url: str
    ipn_url: str


@dataclass(frozen=True)
class Session:
    key: str
    page_url: str  # where the payer's browser goes


@dataclass(frozen=True)
class Notification:
    """A notification as received, before anything in it is believed."""

    tran_id: str
    val_id: str
    status: str  # as the gateway words it
    signature_ok: bool
    # What it claims, as a Verdict outcome (PAID, FAILED, CANCELLED; INVALID for anything else): a claim,
    # which decides only what the gateway's API is asked, and how a claim of failure is logged.
    claim: str = ""


@dataclass(frozen=True)
class Verdict:
    """What the gateway's own API says of a transaction: the only thing a payment is counted on."""

    PAID = "paid"  # taken and valid (SSLCommerz: VALID or VALIDATED)
    FAILED = "failed"
    CANCELLED = "cancelled"
    NOTHING = "nothing"  # no payment known for it (yet)
    INVALID = "invalid"  # the gateway does not know this payment

    outcome: str
    tran_id: str = ""
    val_id: str = ""
    amount: Decimal | None = None
    currency: str = ""
    store_id: str = ""  # empty when the gateway's answer does not say
    bank_tran_id: str = ""
    card_type: str = ""
    risk_level: int = 0
    risk_title: str = ""
    paid_at: datetime | None = None  # when the payer paid, by the gateway's clock
    # The gateway's transaction fields as answered, for the log (never the payer's card number or details).
    fields: dict = field(default_factory=dict)


class Gateway(ABC):
    name: str
    store_id: str

    @abstractmethod
    def open_session(self, invoice: Invoice) -> Session:
        """Ask the gateway for a payment page for the invoice. SessionRefused or GatewayError if not."""

    @abstractmethod
    def read_notification(self, form: dict) -> Notification:
        """The gateway's server-to-server notification, with its signature checked."""

    @abstractmethod
    def validate(self, notification: Notification) -> Verdict:
        """Ask the gateway whether the notified payment is valid. GatewayError if it cannot be asked."""

    @abstractmethod
    def look_up(self, tran_id: str) -> Verdict:
        """Ask the gateway what became of a transaction: a valid payment is validated as ``validate`` does.
        GatewayError if it cannot be asked."""


def gateway(name: str | None = None) -> Gateway:
    """The configured gateway ``name`` (settings.PAYMENT_GATEWAY when None). Cheap: a gateway class keeps
    its HTTP connections in a module-level client."""
    name = name or settings.PAYMENT_GATEWAY
    options = dict(settings.PAYMENT_GATEWAYS[name])
    cls = import_string(options.pop("CLASS"))
    return cls(name=name, **{key.lower(): value for key, value in options.items()})
