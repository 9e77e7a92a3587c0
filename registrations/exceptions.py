"""Errors of e-Registration, each with a code and a message in English and Bangla (industries.CodedError).

Views show ``message`` in the page's language (``message_for(language)``); the API maps codes to HTTP.
"""

from django.utils import translation

from industries.exceptions import CodedError


def in_bangla(text) -> str:
    """The Bangla of a translatable text whatever language is active: an error's message_bn arguments."""
    with translation.override("bn"):
        return str(text)


class RegistrationError(CodedError):
    code = "registration_error"

    def message_for(self, language: str) -> str:
        return self.message_bangla if (language or "").startswith("bn") else self.message


class ApplicationNotFound(RegistrationError):
    """Also what an officer of another office gets: that the application exists is not theirs to know."""

    code = "not_found"
    message_en = "No such application."
    message_bn = "এমন কোনো আবেদন নেই।"


class NotAllowed(RegistrationError):
    code = "not_allowed"
    message_en = "You may not do this: it is for the {role} of the office handling the application."
    message_bn = "আপনি এটি করতে পারেন না: এটি আবেদনটি যে অফিসে আছে, সেই অফিসের {role_bn} করবেন।"


class NotAssigned(RegistrationError):
    code = "not_assigned"
    message_en = "This application is assigned to {officer}. Ask the approving officer to reassign it."
    message_bn = "আবেদনটি {officer}-এর কাছে ন্যস্ত। অন্য কাউকে দিতে অনুমোদনকারী কর্মকর্তাকে বলুন।"


class StateChanged(RegistrationError):
    """The second of two people acting on the same step at once."""

    code = "state_changed"
    message_en = (
        "This application has already moved on: it is now '{state}' ({who}, {when}). "
        "Nothing you entered was applied; reload the page to see it."
    )
    message_bn = (
        "আবেদনটি ইতিমধ্যে এগিয়ে গেছে: এখন '{state_bn}' ({who}, {when})। "
        "আপনার দেওয়া কিছুই প্রয়োগ হয়নি; দেখতে পাতাটি আবার খুলুন।"
    )


class MoveNotPossible(RegistrationError):
    code = "move_not_possible"
    message_en = "An application in the state '{state}' cannot be moved this way."
    message_bn = "'{state_bn}' অবস্থার আবেদন এভাবে এগোনো যায় না।"


class DistrictNotOpen(RegistrationError):
    code = "district_not_open"
    message_en = (
        "Online registration is not open yet for factories in {district}. Please apply at the BSCIC office "
        "of {district}; the district will be opened soon."
    )
    message_bn = (
        "{district_bn} জেলার কারখানার জন্য অনলাইন নিবন্ধন এখনো চালু হয়নি। অনুগ্রহ করে {district_bn} "
        "বিসিক কার্যালয়ে আবেদন করুন; জেলাটি শিগগিরই চালু হবে।"
    )


class PointInClosedDistrict(RegistrationError):
    """The point is in a district not open yet, and not in the district the applicant chose: maybe a
    mis-tap, which the plain "not open yet" would send to the wrong office."""

    code = "point_in_closed_district"
    message_en = (
        "The point on the map is in {district}, not in {stated}, the district you chose. If the factory is "
        "in {stated}, move the point there. If it is in {district}: online registration is not open yet "
        "there; please apply at the BSCIC office of {district}."
    )
    message_bn = (
        "মানচিত্রের বিন্দুটি {district_bn} জেলায়, আপনার বেছে নেওয়া {stated_bn} জেলায় নয়। কারখানা "
        "{stated_bn} জেলায় হলে বিন্দুটি সেখানে সরান। {district_bn} জেলায় হলে: সেখানে অনলাইন নিবন্ধন এখনো "
        "চালু হয়নি; অনুগ্রহ করে {district_bn} বিসিক কার্যালয়ে আবেদন করুন।"
    )


class IncompleteApplication(RegistrationError):
    code = "incomplete"
    message_en = "The application is not complete yet: {missing}."
    message_bn = "আবেদনটি এখনো সম্পূর্ণ হয়নি: {missing_bn}।"
