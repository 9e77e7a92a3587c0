"""Errors raised by the industries app.

Each class carries a machine-readable ``code`` and English and Bangla message templates, so the importer
can write them into its report and the API can map them to HTTP answers without parsing text.
"""


class CodedError(ValueError):
    """An error with a machine-readable code and a message in English and Bangla."""

    code = "invalid_value"
    message_en = "Invalid value."
    message_bn = "অবৈধ মান।"

    def __init__(self, value=None, **details):
        self.value = value
        self.details = details
        super().__init__(self.message_en.format(value=value, **details))

    @property
    def message(self) -> str:
        return str(self)

    @property
    def message_bangla(self) -> str:
        return self.message_bn.format(value=self.value, **self.details)


class InvalidPhone(CodedError):
    code = "invalid_phone"
    message_en = (
        "'{value}' is not a Bangladeshi mobile number (expected 01[3-9]XXXXXXXX or +8801[3-9]XXXXXXXX)."
    )
    message_bn = "'{value}' বাংলাদেশি মোবাইল নম্বর নয় (প্রত্যাশিত 01[3-9]XXXXXXXX বা +8801[3-9]XXXXXXXX)।"


class InvalidNid(CodedError):
    code = "invalid_nid"
    message_en = (
        "'{value}' is not a national ID number (10, 13 or 17 digits; a 10-digit NID never starts with 0)."
    )
    message_bn = "'{value}' জাতীয় পরিচয়পত্র নম্বর নয় (১০, ১৩ বা ১৭ অঙ্ক; ১০ অঙ্কের নম্বর ০ দিয়ে শুরু হয় না)।"


class UnknownAdminName(CodedError):
    code = "unknown_admin_name"
    message_en = "No {level} is called '{value}'.{hint}"
    message_bn = "'{value}' নামে কোনো {level_bn} নেই।{hint}"


class AmbiguousAdminName(CodedError):
    code = "ambiguous_admin_name"
    message_en = "'{value}' could be any of: {candidates}. Give the {narrower} or the BBS code."
    message_bn = "'{value}' একাধিক এলাকার নাম হতে পারে: {candidates}। {narrower_bn} বা বিবিএস কোড দিন।"
