"""Applicant accounts through the pages: sign-up with the code read from the file SMS backend, login,
logout, password reset, and every way a code or a number can be wrong."""

import hashlib
import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.http import HttpResponse
from django.urls import include, path, reverse
from django.utils import timezone

from geodb import urls as project_urls
from registrations import urls as registrations_urls
from registrations.models import Applicant, PhoneCode
from registrations.services import accounts
from sms.backends.file import read_outbox
from sms.sandbox import SmsSandbox

from .conftest import PASSWORD, make_applicant


# --- the URLs: the project's, with stand-ins for the pages base.html links to that other parts have not
# built yet (so these tests render the real templates today, and run unchanged once those pages exist).
def _names(patterns):
    for pattern in patterns:
        if hasattr(pattern, "url_patterns"):
            yield from _names(pattern.url_patterns)
        elif pattern.name:
            yield pattern.name


def _stand_in(request, **kwargs):
    return HttpResponse("stand-in")


_BUILT = set(_names(registrations_urls.urlpatterns))
_STAND_INS = [
    path(f"__stand-in/{name}/", _stand_in, name=name)
    for name in ("home", "track", "office_queue", "my_applications", "performance")
    if name not in _BUILT
]
urlpatterns = [
    path("", include((registrations_urls.urlpatterns + _STAND_INS, "registrations")))
    if getattr(pattern, "namespace", None) == "registrations"
    else pattern
    for pattern in project_urls.urlpatterns
]

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

PHONE = "+8801711000001"
NEW_PASSWORD = "a new one, long enough"


@pytest.fixture(autouse=True)
def outbox(settings, tmp_path):
    settings.SMS_BACKEND = "sms.backends.file.FileBackend"
    settings.SMS_FILE_PATH = tmp_path / "outbox.jsonl"
    return settings.SMS_FILE_PATH


def sent_to(phone: str) -> list[str]:
    return [m["text"] for m in read_outbox() if m["to"] == phone]


def last_code(phone: str) -> str:
    return re.search(r"\b(\d{6})\b", sent_to(phone)[-1]).group(1)


def request_signup_code(client, phone="01711000001", **extra):
    return client.post("/accounts/signup/", {"phone": phone}, **extra)


def verify(client, code, **fields):
    data = {"code": code, "name": "Rahima Begum", "email": "", "password1": PASSWORD, "password2": PASSWORD}
    data.update(fields)
    return client.post("/accounts/signup/verify/", data)


def other_code(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


def page(response) -> str:
    return response.content.decode()


def location(response) -> str:
    """Where a redirect goes, on this site (the project makes redirects absolute)."""
    assert response.status_code == 302
    url = urlsplit(response.url)
    assert url.netloc == "testserver", response.url
    return url.path + (f"?{url.query}" if url.query else "")


# --- sign-up --------------------------------------------------------------------------------------------


def test_signup_end_to_end_with_the_code_from_the_sms(client):
    assert "মোবাইল নম্বর" in page(client.get("/accounts/signup/"))  # Bangla first
    response = request_signup_code(client, "01711-000001")
    assert location(response) == "/accounts/signup/verify/"
    assert len(sent_to(PHONE)) == 1
    code = last_code(PHONE)
    row = PhoneCode.objects.get(phone=PHONE)
    assert row.purpose == PhoneCode.Purpose.SIGNUP and row.used is None
    assert "01711000001" in page(client.get("/accounts/signup/verify/"))

    response = verify(client, code, email="rahima@example.com")
    assert location(response) == reverse("registrations:my_applications")
    applicant = Applicant.objects.select_related("user").get(phone=PHONE)
    assert applicant.user.username == PHONE and applicant.name == "Rahima Begum"
    assert applicant.email == "rahima@example.com" and applicant.phone_verified is not None
    assert applicant.user.check_password(PASSWORD)
    assert int(client.session["_auth_user_id"]) == applicant.user.pk
    row.refresh_from_db()
    assert row.used is not None


def test_a_code_is_stored_only_as_its_hmac(client):
    request_signup_code(client)
    code = last_code(PHONE)
    row = PhoneCode.objects.get(phone=PHONE)
    assert row.code_hash == accounts.code_hash(phone=PHONE, purpose="signup", code=code)
    assert row.code_hash != hashlib.sha256(code.encode()).hexdigest()
    assert all(code not in str(value) for value in PhoneCode.objects.values().get().values())
    assert abs((row.expires - row.created).total_seconds() - 300) < 1


def test_a_code_is_used_once():
    accounts.signup_request_code(phone=PHONE, ip="10.0.0.1")
    code = last_code(PHONE)
    accounts.signup_verify(phone=PHONE, code=code, password=PASSWORD, name="R", email="", ip="10.0.0.1")
    get_user_model().objects.filter(username=PHONE).delete()  # even were the account gone, the code is spent
    with pytest.raises(accounts.CodeExpired):
        accounts.signup_verify(phone=PHONE, code=code, password=PASSWORD, name="R", email="", ip="10.0.0.1")


def test_bangla_digits_are_accepted_in_the_number(client):
    response = request_signup_code(client, "০১৭১১-০০০০০১")
    assert response.status_code == 302
    assert len(sent_to(PHONE)) == 1


def test_a_wrong_number_is_refused_in_both_languages_keeping_what_was_typed(client):
    response = request_signup_code(client, "0171100")
    assert response.status_code == 200
    text = page(response)
    assert "বাংলাদেশি মোবাইল নম্বর নয়" in text
    assert "is not a Bangladeshi mobile number" in text
    assert 'value="0171100"' in text
    assert read_outbox() == [] and not PhoneCode.objects.exists()


def test_a_registered_number_is_sent_to_login_or_reset(client):
    make_applicant(PHONE)
    response = request_signup_code(client, "01711000001")
    text = page(response)
    assert "already has an account" in text and "আগেই একটি অ্যাকাউন্ট আছে" in text
    assert 'href="/accounts/login/"' in text and 'href="/accounts/password-reset/"' in text
    assert read_outbox() == []


def test_an_expired_code_is_refused_and_the_form_keeps_the_name(client):
    request_signup_code(client)
    code = last_code(PHONE)
    PhoneCode.objects.update(expires=timezone.now() - timedelta(seconds=1))
    response = verify(client, code, name="Rahima Expired")
    assert response.status_code == 200
    text = page(response)
    assert "কোডটির মেয়াদ শেষ" in text and "has expired" in text
    assert 'value="Rahima Expired"' in text
    assert not Applicant.objects.exists()


def test_wrong_codes_count_down_then_the_code_is_spent(client):
    request_signup_code(client)
    code = last_code(PHONE)
    for left in (4, 3, 2, 1):
        text = page(verify(client, other_code(code)))
        assert f"You may try {left} more time" in text
    text = page(verify(client, other_code(code)))
    assert "too many times" in text and "অনেকবার ভুল কোড" in text
    assert PhoneCode.objects.get().attempts == 5
    # The right code no longer helps: a new one must be asked for.
    assert "too many times" in page(verify(client, code))
    assert not Applicant.objects.exists()
    request_signup_code(client)
    assert verify(client, last_code(PHONE)).status_code == 302


def test_bangla_digits_are_accepted_in_the_code(client):
    request_signup_code(client)
    code = last_code(PHONE).translate(str.maketrans("0123456789", "০১২৩৪৫৬৭৮৯"))
    assert verify(client, code).status_code == 302


def test_sending_is_limited_per_number(client):
    for n in range(3):
        assert request_signup_code(client, REMOTE_ADDR=f"10.0.1.{n}").status_code == 302
    response = request_signup_code(client, REMOTE_ADDR="10.0.1.9")
    text = page(response)
    assert response.status_code == 200
    assert "try again in 15 minute" in text and "১৫ মিনিট পরে" in text
    assert len(sent_to(PHONE)) == 3
    # Once the oldest leaves the window, one more may go.
    PhoneCode.objects.filter(pk=PhoneCode.objects.order_by("created").first().pk).update(
        created=timezone.now() - timedelta(minutes=16)
    )
    assert request_signup_code(client, REMOTE_ADDR="10.0.1.9").status_code == 302


def test_sending_is_limited_per_address(client):
    for n in range(10):
        assert request_signup_code(client, f"0171100{n:04d}", REMOTE_ADDR="10.0.2.1").status_code == 302
    response = request_signup_code(client, "01811000099", REMOTE_ADDR="10.0.2.1")
    assert response.status_code == 200 and "Too many tries" in page(response)
    assert sent_to("+8801811000099") == []
    assert request_signup_code(client, "01811000099", REMOTE_ADDR="10.0.2.2").status_code == 302


def test_wrong_codes_are_limited_per_address(settings):
    settings.OTP_WRONG_LIMIT_PER_IP = (3, 3600)
    phones = ["+8801711000011", "+8801711000012", "+8801711000013"]
    for phone in phones:
        accounts.signup_request_code(phone=phone, ip="10.0.3.1")
        with pytest.raises(accounts.CodeWrong):
            accounts.signup_verify(
                phone=phone, code=other_code(last_code(phone)), password=PASSWORD, name="R", ip="10.0.3.1"
            )
    # Even the right code, from that address, waits; from another address it works.
    with pytest.raises(accounts.TooManyRequests):
        accounts.signup_verify(
            phone=phones[0], code=last_code(phones[0]), password=PASSWORD, name="R", ip="10.0.3.1"
        )
    accounts.signup_verify(
        phone=phones[0], code=last_code(phones[0]), password=PASSWORD, name="R", ip="10.0.3.2"
    )
    assert Applicant.objects.filter(phone=phones[0]).exists()


def test_a_weak_password_is_refused_in_both_languages(client):
    request_signup_code(client)
    response = verify(client, last_code(PHONE), password1="12345678", password2="12345678")
    text = page(response)
    assert "entirely numeric" in text and "শুধু সংখ্যা" in text
    assert 'value="Rahima Begum"' in text
    assert not Applicant.objects.exists()
    # The code was not spent on a refused password.
    assert PhoneCode.objects.get().used is None and PhoneCode.objects.get().attempts == 0


def test_two_different_passwords_are_refused(client):
    request_signup_code(client)
    text = page(verify(client, last_code(PHONE), password2="something else entirely"))
    assert "দুটি পাসওয়ার্ড এক নয়" in text and "not the same" in text
    assert not Applicant.objects.exists()


def test_verify_without_a_number_goes_back_to_the_first_step(client):
    response = client.get("/accounts/signup/verify/")
    assert location(response) == "/accounts/signup/"


def test_a_gateway_that_fails_is_told_and_not_counted(client, settings):
    with SmsSandbox(api_key="k", fail_status=500) as gateway:
        settings.SMS_BACKEND = "sms.backends.http.HttpBackend"
        settings.SMS_HTTP_URL, settings.SMS_HTTP_API_KEY, settings.SMS_HTTP_SENDER = gateway.url, "k", "BSCIC"
        response = request_signup_code(client)
    text = page(response)
    assert response.status_code == 200
    assert "এসএমএস পাঠানো গেল না" in text and "could not be sent" in text
    assert 'value="01711000001"' in text
    assert not PhoneCode.objects.exists()


def test_pages_speak_english_when_asked(client):
    text = page(client.get("/accounts/signup/?lang=en"))
    assert "Mobile number" in text and "Send the code" in text


# --- login and logout ----------------------------------------------------------------------------------


def login(client, username, password=PASSWORD, **extra):
    return client.post("/accounts/login/", {"username": username, "password": password, **extra})


def test_an_applicant_logs_in_with_the_number_written_any_way(client):
    applicant = make_applicant(PHONE)
    response = login(client, "০১৭১১ ০০০০০১")
    assert location(response) == reverse("registrations:my_applications")
    assert int(client.session["_auth_user_id"]) == applicant.user.pk


def test_an_officer_logs_in_with_the_user_name_and_lands_on_the_queue(client, extension_officer):
    response = login(client, "dhaka-extension")
    assert location(response) == reverse("registrations:office_queue")


def test_login_follows_next_only_within_the_site(client):
    make_applicant(PHONE)
    assert location(login(client, "01711000001", next="/apply/")) == "/apply/"
    client.logout()
    response = login(client, "01711000001", next="https://evil.example/")
    assert location(response) == reverse("registrations:my_applications")


def test_a_wrong_password_is_refused_in_both_languages_and_counted_by_axes(client, settings):
    make_applicant(PHONE)
    response = login(client, "01711000001", password="wrong")
    text = page(response)
    assert response.status_code == 200
    assert "পাসওয়ার্ড ভুল" in text and "password is wrong" in text
    assert 'value="01711000001"' in text
    # axes counted it against the number as stored (E.164), however it was typed.
    assert AccessAttempt.objects.get().username == PHONE
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        login(client, "০১৭১১০০০০০১", password="wrong")
    locked = login(client, "01711000001")
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


def test_logout_is_a_post(client):
    make_applicant(PHONE)
    login(client, "01711000001")
    assert client.get("/accounts/logout/").status_code == 405
    assert "_auth_user_id" in client.session
    response = client.post("/accounts/logout/")
    assert location(response) == "/accounts/login/"
    assert "_auth_user_id" not in client.session


# --- password reset ------------------------------------------------------------------------------------


def test_password_reset_end_to_end(client):
    applicant = make_applicant(PHONE)
    response = client.post("/accounts/password-reset/", {"phone": "01711000001"})
    assert location(response) == "/accounts/password-reset/confirm/"
    code = last_code(PHONE)
    assert PhoneCode.objects.get().purpose == PhoneCode.Purpose.RESET
    response = client.post(
        "/accounts/password-reset/confirm/",
        {"code": other_code(code), "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert "কোডটি ভুল" in page(response) and "The code is wrong" in page(response)
    response = client.post(
        "/accounts/password-reset/confirm/",
        {"code": code, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert location(response) == "/accounts/login/"
    assert 'value="01711000001"' in page(client.get("/accounts/login/"))  # the number is filled in
    applicant.user.refresh_from_db()
    assert applicant.user.check_password(NEW_PASSWORD) and not applicant.user.check_password(PASSWORD)
    assert login(client, "01711000001", password=PASSWORD).status_code == 200
    assert login(client, "01711000001", password=NEW_PASSWORD).status_code == 302


def same_page(response, number: str) -> str:
    """The page without the number asked about and the (random) CSRF token."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page(response)).replace(number, "N")


def test_a_reset_for_a_number_without_an_account_reveals_nothing(client):
    make_applicant(PHONE)
    known = client.post("/accounts/password-reset/", {"phone": "01711000001"}, follow=True)
    unknown_client = client.__class__()
    unknown = unknown_client.post("/accounts/password-reset/", {"phone": "01911000009"}, follow=True)
    assert known.redirect_chain == [("http://testserver/accounts/password-reset/confirm/", 302)]
    assert unknown.redirect_chain == known.redirect_chain
    assert same_page(known, "01711000001") == same_page(unknown, "01911000009")
    assert sent_to("+8801911000009") == [] and len(sent_to(PHONE)) == 1
    # Its limits answer alike: the request is counted though nothing is sent.
    for _ in range(2):
        accounts.password_reset_request(phone="01911000009", ip="10.0.4.1")
    with pytest.raises(accounts.TooManyRequests):
        accounts.password_reset_request(phone="01911000009", ip="10.0.4.1")
    with pytest.raises(accounts.CodeWrong):
        accounts.password_reset_confirm(
            phone="01911000009", code="123456", new_password=NEW_PASSWORD, ip="10.0.4.1"
        )


def test_a_reset_refuses_a_weak_password_without_spending_the_code():
    make_applicant(PHONE)
    accounts.password_reset_request(phone=PHONE, ip="10.0.5.1")
    with pytest.raises(accounts.WeakPassword):
        accounts.password_reset_confirm(
            phone=PHONE, code=last_code(PHONE), new_password="password", ip="10.0.5.1"
        )
    accounts.password_reset_confirm(
        phone=PHONE, code=last_code(PHONE), new_password=NEW_PASSWORD, ip="10.0.5.1"
    )
