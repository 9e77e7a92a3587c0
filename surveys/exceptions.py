"""Why a file cannot be imported. Each has a code for machines and a sentence in English and Bangla."""

from industries.exceptions import CodedError


class UnreadableFile(CodedError):
    """The whole file is refused: the batch ends with this message and writes nothing."""

    code = "unreadable_file"
    message_en = "The file cannot be read: {value}"
    message_bn = "ফাইলটি পড়া যাচ্ছে না: {value}"


class FileTooLarge(UnreadableFile):
    code = "file_too_large"
    message_en = "The file is {value:,} bytes; the limit is {limit:,} bytes."
    message_bn = "ফাইলটির আকার {value:,} বাইট; সর্বোচ্চ সীমা {limit:,} বাইট।"


class SuspiciousArchive(UnreadableFile):
    code = "suspicious_archive"
    message_en = "The archive would unpack to {value:,} bytes (limit {limit:,}); it looks like a zip bomb."
    message_bn = "আর্কাইভটি খুললে {value:,} বাইট হবে (সীমা {limit:,}); এটি একটি জিপ বোমা বলে মনে হচ্ছে।"


class WrongEncoding(UnreadableFile):
    code = "wrong_encoding"
    message_en = "The text is not UTF-8 or UTF-16 ({value}). Save it from Excel as 'CSV UTF-8' and try again."
    message_bn = "লেখাটি UTF-8 বা UTF-16 নয় ({value})। এক্সেল থেকে 'CSV UTF-8' হিসেবে সংরক্ষণ করে আবার চেষ্টা করুন।"


class EmptyFile(UnreadableFile):
    code = "empty_file"
    message_en = "The file has no data rows{value}."
    message_bn = "ফাইলটিতে কোনো তথ্যের সারি নেই{value}।"


class UnknownFormat(UnreadableFile):
    code = "unknown_format"
    message_en = "'{value}' is not a format this importer reads ({known})."
    message_bn = "'{value}' ফরম্যাটটি পড়া যায় না ({known})।"


class BadMapping(UnreadableFile):
    code = "bad_mapping"
    message_en = "The mapping file cannot be used: {value}"
    message_bn = "ম্যাপিং ফাইলটি ব্যবহার করা যাচ্ছে না: {value}"


class MissingColumns(UnreadableFile):
    code = "missing_columns"
    message_en = "No column for {value}. Headers found: {headers}. Add a mapping file that names them."
    message_bn = "{value}-এর কোনো কলাম নেই। পাওয়া কলাম: {headers}। একটি ম্যাপিং ফাইল দিয়ে সেগুলো চিহ্নিত করুন।"


class RowRejected(ValueError):
    """One enterprise written through the API broke the importer's rules; ``reasons`` says which."""

    def __init__(self, reasons):
        self.reasons = list(reasons)
        super().__init__("; ".join(reason.en for reason in self.reasons))
