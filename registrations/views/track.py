"""Public tracking: the tracking number and the last four digits of the applicant's mobile show the state,
the step's due date and the public timeline, and nothing personal. Any wrong combination gets the same
answer, and wrong tries are limited per address, so the page cannot tell which numbers exist."""

from django import forms
from django.conf import settings
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from ..address_limits import AddressCounter
from ..models import FINAL_STATES, Step
from ..selectors import application_for_tracking, normalise_tracking_no, public_timeline


class TrackForm(forms.Form):
    tracking_no = forms.CharField(
        label=_("Tracking number"),
        max_length=40,
        widget=forms.TextInput(attrs={"placeholder": "BR-20261201-000123", "autocapitalize": "characters"}),
    )
    phone_last4 = forms.CharField(
        label=_("Last four digits of the applicant's mobile"),
        max_length=8,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "size": 4}),
    )


NOT_FOUND = _(
    "No application matches this tracking number and these digits. Check both, as in the SMS you got, "
    "and try again."
)
TOO_MANY = _("Too many wrong tries from this connection. Please try again in a few minutes.")


def _failures() -> AddressCounter:
    return AddressCounter("registrations:track-failures", settings.REGISTRATION_TRACK_WINDOW_SECONDS)


@never_cache
def track(request):
    context = {}
    status = 200
    if request.method == "POST":
        form = TrackForm(request.POST)
        failures = _failures()
        if failures.reached(request, settings.REGISTRATION_TRACK_FAILURES):
            context["error"], status = TOO_MANY, 429
        elif form.is_valid():
            application = application_for_tracking(
                tracking_no=form.cleaned_data["tracking_no"], phone_last4=form.cleaned_data["phone_last4"]
            )
            if application is None:
                failures.count(request)
                context["error"] = NOT_FOUND
            else:
                context.update(
                    application=application,
                    step=Step.objects.filter(state=application.state).first(),
                    is_final=application.state in FINAL_STATES,
                    transitions=public_timeline(application),
                )
                form = TrackForm(initial={"tracking_no": application.tracking_no})
    else:
        form = TrackForm(initial={"tracking_no": normalise_tracking_no(request.GET.get("no", ""))})
    context["form"] = form
    return render(request, "registrations/track.html", context, status=status)


urlpatterns = [path("", track, name="track")]
