"""Telling the applicant, by SMS (and e-mail when given), when they must act or there is a result."""


def notify_applicant(*, application, event: str) -> None:
    """Placeholder until the SMS backends land (sms/): does nothing."""
