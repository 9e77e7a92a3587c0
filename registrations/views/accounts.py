"""Accounts: applicants sign up and reset their password with a code sent by SMS; one login page for
applicants (by mobile number) and officers (by user name); logout.

The number being verified is kept in the session between the two steps of sign-up and of reset. Login
passes the request to ``authenticate`` so that django-axes counts failures per number (or user name) and
address, as it does for the admin.
"""

import math

from axes.helpers import get_client_ip_address
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from industries.bangla import to_bangla_digits
from industries.exceptions import InvalidPhone
from industries.identifiers import normalise_phone

from ..exceptions import RegistrationError
from ..services import accounts as service
from ..workflow import officer_of

SIGNUP_PHONE = "accounts_signup_phone"
RESET_PHONE = "accounts_reset_phone"
LOGIN_HINT = "accounts_login_hint"
TEMPLATES = "registrations/accounts/"

# Shown in both languages, whichever the page is in: a person who cannot read the page's language still
# learns what went wrong.
REQUIRED = "এটি পূরণ করুন। · Please fill this in."
PASSWORDS_DIFFER = "দুটি পাসওয়ার্ড এক নয়। · The two passwords are not the same."
EMAIL_INVALID = "ই-মেইল ঠিকানাটি সঠিক নয়। · This e-mail address is not valid."
LOGIN_FAILED = "মোবাইল নম্বর/ইউজারনেম বা পাসওয়ার্ড ভুল। · The mobile number, user name or password is wrong."
# The service's errors, by the field they are about (None: the whole form).
ERROR_FIELDS = {
    service.InvalidPhoneNumber: "phone",
    service.AlreadyRegistered: "phone",
    service.CodeExpired: "code",
    service.CodeWrong: "code",
    service.CodeAttemptsExhausted: "code",
    service.WeakPassword: "password1",
}


def bilingual(error: RegistrationError) -> list[str]:
    """The error in the page's language first, then in the other."""
    first = "bn" if (get_language() or "bn").startswith("bn") else "en"
    return [error.message_for(first), error.message_for("en" if first == "bn" else "bn")]


def show_error(form: forms.Form, error: RegistrationError) -> None:
    field = ERROR_FIELDS.get(type(error))
    for message in bilingual(error):
        form.add_error(field if field in form.fields else None, message)


def local_number(phone: str) -> str:
    """+8801712345678 as people write it: 01712345678."""
    return "0" + phone[4:] if phone.startswith("+880") else phone


def home_for(user) -> str:
    if officer_of(user) is not None:
        return reverse("registrations:office_queue")
    if hasattr(user, "applicant"):
        return reverse("registrations:my_applications")
    return reverse("admin:index") if user.is_staff else "/"


def safe_next(request, url: str) -> str:
    allowed = url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return url if url and allowed else ""


# --- forms --------------------------------------------------------------------------------------------------


class AccountForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.error_messages["required"] = REQUIRED
        if "code" in self.fields:
            minutes = str(math.ceil(settings.OTP_TTL_SECONDS / 60))
            if (get_language() or "").startswith("bn"):
                minutes = to_bangla_digits(minutes)
            self.fields["code"].help_text = _("6 digits, valid for %(minutes)s minutes.") % {
                "minutes": minutes
            }


def phone_field() -> forms.CharField:
    return forms.CharField(
        label=gettext_lazy("Mobile number"),
        max_length=30,
        help_text=gettext_lazy("The 11 digits of your mobile number, for example 01712345678."),
        widget=forms.TextInput(
            attrs={"inputmode": "tel", "autocomplete": "tel", "placeholder": "01XXXXXXXXX"}
        ),
    )


def code_field() -> forms.CharField:
    return forms.CharField(
        label=gettext_lazy("Code from the SMS"),
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class PhoneForm(AccountForm):
    phone = phone_field()


class NewPasswordForm(AccountForm):
    password1 = forms.CharField(
        label=gettext_lazy("Password"),
        strip=False,
        help_text=gettext_lazy("At least 8 characters, not only digits, not a common password."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=gettext_lazy("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password2") and data["password1"] != data["password2"]:
            self.add_error("password2", PASSWORDS_DIFFER)
        return data


class SignupVerifyForm(NewPasswordForm):
    field_order = ["code", "name", "email", "password1", "password2"]
    code = code_field()
    name = forms.CharField(
        label=gettext_lazy("Your name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=gettext_lazy("E-mail (optional)"),
        required=False,
        help_text=gettext_lazy("If you give one, you also get the news of your application by e-mail."),
        error_messages={"invalid": EMAIL_INVALID},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class ResetConfirmForm(NewPasswordForm):
    field_order = ["code", "password1", "password2"]
    code = code_field()


class LoginForm(AccountForm):
    username = forms.CharField(
        label=gettext_lazy("Mobile number (or officer's user name)"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    password = forms.CharField(
        label=gettext_lazy("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


# --- views --------------------------------------------------------------------------------------------------


@never_cache
def signup(request):
    if request.user.is_authenticated:
        return redirect(home_for(request.user))
    form = PhoneForm(request.POST or None)
    already_registered = False
    if request.method == "POST" and form.is_valid():
        try:
            phone = service.signup_request_code(
                phone=form.cleaned_data["phone"], ip=get_client_ip_address(request)
            )
        except RegistrationError as error:
            show_error(form, error)
            already_registered = isinstance(error, service.AlreadyRegistered)
        else:
            request.session[SIGNUP_PHONE] = phone
            messages.success(
                request, _("A code has been sent by SMS to %(phone)s.") % {"phone": local_number(phone)}
            )
            return redirect("registrations:signup_verify")
    context = {"form": form, "already_registered": already_registered}
    return render(request, TEMPLATES + "signup.html", context)


@sensitive_post_parameters("code", "password1", "password2")
@never_cache
def signup_verify(request):
    phone = request.session.get(SIGNUP_PHONE)
    if not phone:
        return redirect("registrations:signup")
    form = SignupVerifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            applicant = service.signup_verify(
                phone=phone,
                code=data["code"],
                password=data["password1"],
                name=data["name"],
                email=data["email"],
                ip=get_client_ip_address(request),
            )
        except RegistrationError as error:
            show_error(form, error)
        else:
            request.session.pop(SIGNUP_PHONE, None)
            login(request, applicant.user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Your account is ready. You can now apply."))
            return redirect(home_for(applicant.user))
    return render(request, TEMPLATES + "signup_verify.html", {"form": form, "phone": local_number(phone)})


@sensitive_post_parameters("password")
@never_cache
def login_view(request):
    next_url = safe_next(request, request.POST.get("next") or request.GET.get("next") or "")
    if request.user.is_authenticated and request.method == "GET":
        return redirect(next_url or home_for(request.user))
    form = LoginForm(request.POST or None, initial={"username": request.session.pop(LOGIN_HINT, "")})
    if request.method == "POST" and form.is_valid():
        typed = form.cleaned_data["username"].strip()
        try:
            username = normalise_phone(typed)  # applicants' user names are their numbers, E.164
        except InvalidPhone:
            username = typed
        user = authenticate(request, username=username, password=form.cleaned_data["password"])
        if user is None:
            form.add_error(None, LOGIN_FAILED)
        else:
            login(request, user)
            return redirect(next_url or home_for(user))
    return render(request, TEMPLATES + "login.html", {"form": form, "next": next_url})


@require_POST
def logout_view(request):
    logout(request)
    messages.success(request, _("You have logged out."))
    return redirect("registrations:login")


@never_cache
def password_reset(request):
    form = PhoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            phone = service.password_reset_request(
                phone=form.cleaned_data["phone"], ip=get_client_ip_address(request)
            )
        except RegistrationError as error:
            show_error(form, error)
        else:
            request.session[RESET_PHONE] = phone
            messages.success(
                request,
                _("If %(phone)s has an account, a code has been sent to it by SMS.")
                % {"phone": local_number(phone)},
            )
            return redirect("registrations:password_reset_confirm")
    return render(request, TEMPLATES + "password_reset.html", {"form": form})


@sensitive_post_parameters("code", "password1", "password2")
@never_cache
def password_reset_confirm(request):
    phone = request.session.get(RESET_PHONE)
    if not phone:
        return redirect("registrations:password_reset")
    form = ResetConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            service.password_reset_confirm(
                phone=phone,
                code=form.cleaned_data["code"],
                new_password=form.cleaned_data["password1"],
                ip=get_client_ip_address(request),
            )
        except RegistrationError as error:
            show_error(form, error)
        else:
            request.session.pop(RESET_PHONE, None)
            request.session[LOGIN_HINT] = local_number(phone)
            messages.success(request, _("Your password has been changed. Log in with the new one."))
            return redirect("registrations:login")
    return render(
        request, TEMPLATES + "password_reset_confirm.html", {"form": form, "phone": local_number(phone)}
    )


urlpatterns = [
    path("signup/", signup, name="signup"),
    path("signup/verify/", signup_verify, name="signup_verify"),
    path("login/", login_view, name="login"),
    path("logout/", logout_view, name="logout"),
    path("password-reset/", password_reset, name="password_reset"),
    path("password-reset/confirm/", password_reset_confirm, name="password_reset_confirm"),
]
