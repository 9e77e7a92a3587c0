"""Why a row was rejected or warned about: a code for machines, a sentence in English and in Bangla.

Rejected rows are not imported; rows with warnings are imported, with the doubtful value left empty or
fixed as the message says. Both end up in the batch's report, ready to fix and re-import.
"""

from dataclasses import dataclass

REJECT = "rejected"
WARN = "warning"


@dataclass(frozen=True)
class Reason:
    code: str
    severity: str
    en: str
    bn: str


_REASONS = [
    Reason(
        "name_missing",
        REJECT,
        "No enterprise name, in English or Bangla.",
        "প্রতিষ্ঠানের নাম (ইংরেজি বা বাংলা) নেই।",
    ),
    Reason("coordinates_missing", REJECT, "No coordinates.", "স্থানাঙ্ক নেই।"),
    Reason("coordinates_invalid", REJECT, "The coordinates cannot be read.", "স্থানাঙ্ক পড়া যাচ্ছে না।"),
    Reason("coordinates_zero", REJECT, "The coordinates are zero.", "স্থানাঙ্ক শূন্য।"),
    Reason("outside_bangladesh", REJECT, "The location is outside Bangladesh.", "অবস্থানটি বাংলাদেশের বাইরে।"),
    Reason(
        "outside_upazilas",
        REJECT,
        "The location falls in no Bangladeshi upazila (at sea or across the border).",
        "অবস্থানটি বাংলাদেশের কোনো উপজেলায় পড়ে না (সমুদ্রে বা সীমানার বাইরে)।",
    ),
    Reason("negative_value", REJECT, "A count or amount is negative.", "সংখ্যা বা টাকার পরিমাণ ঋণাত্মক।"),
    Reason(
        "workers_inconsistent",
        REJECT,
        "Total workers are fewer than male plus female workers.",
        "মোট শ্রমিক পুরুষ ও নারী শ্রমিকের যোগফলের চেয়ে কম।",
    ),
    Reason(
        "duplicate_in_file",
        REJECT,
        "The same enterprise appears earlier in this file.",
        "একই প্রতিষ্ঠান এই ফাইলে আগেও আছে।",
    ),
    Reason(
        "text_too_long",
        REJECT,
        "A text is longer than the database holds (names, owner, products: 255 characters; registration "
        "number: 50).",
        "একটি লেখা ডেটাবেসের সীমার চেয়ে লম্বা (নাম, মালিক, পণ্য: ২৫৫ অক্ষর; নিবন্ধন নম্বর: ৫০)।",
    ),
    Reason(
        "number_too_large",
        REJECT,
        "A number is too large to store (workers: up to 2,147,483,647; investment: up to about 9.2 × 10¹⁸ "
        "taka).",
        "একটি সংখ্যা সংরক্ষণের জন্য খুব বড় (শ্রমিক: সর্বোচ্চ ২,১৪৭,৪৮৩,৬৪৭; বিনিয়োগ: প্রায় ৯.২ × ১০¹⁸ টাকা পর্যন্ত)।",
    ),
    Reason(
        "coordinates_swapped",
        WARN,
        "Latitude and longitude were swapped; fixed.",
        "অক্ষাংশ ও দ্রাঘিমাংশ অদলবদল ছিল; ঠিক করা হয়েছে।",
    ),
    Reason(
        "district_mismatch",
        WARN,
        "The location is outside the stated district; kept, and flagged.",
        "অবস্থানটি উল্লিখিত জেলার বাইরে; রাখা হয়েছে এবং চিহ্নিত করা হয়েছে।",
    ),
    Reason(
        "district_unknown",
        WARN,
        "The district name is not known or is ambiguous; left empty.",
        "জেলার নামটি অজানা বা দ্ব্যর্থক; খালি রাখা হয়েছে।",
    ),
    Reason(
        "upazila_unknown",
        WARN,
        "The upazila name is not known in that district; left empty.",
        "উপজেলার নামটি ওই জেলায় অজানা; খালি রাখা হয়েছে।",
    ),
    Reason(
        "phone_invalid",
        WARN,
        "Not a Bangladeshi mobile number; left empty.",
        "বাংলাদেশি মোবাইল নম্বর নয়; খালি রাখা হয়েছে।",
    ),
    Reason(
        "nid_invalid",
        WARN,
        "Not a 10, 13 or 17-digit NID; left empty.",
        "১০, ১৩ বা ১৭ অঙ্কের এনআইডি নয়; খালি রাখা হয়েছে।",
    ),
    Reason(
        "amount_invalid",
        WARN,
        "The investment cannot be read; left empty.",
        "বিনিয়োগের পরিমাণ পড়া যাচ্ছে না; খালি রাখা হয়েছে।",
    ),
    Reason(
        "count_invalid",
        WARN,
        "A worker count cannot be read; left empty.",
        "শ্রমিক সংখ্যা পড়া যাচ্ছে না; খালি রাখা হয়েছে।",
    ),
    Reason(
        "date_invalid",
        WARN,
        "The year or date cannot be read; left empty.",
        "বছর বা তারিখ পড়া যাচ্ছে না; খালি রাখা হয়েছে।",
    ),
    Reason(
        "kind_unknown",
        WARN,
        "Manufacturing or service is not stated or not known; taken as manufacturing.",
        "উৎপাদন না সেবা তা উল্লেখ নেই বা অজানা; উৎপাদন ধরা হয়েছে।",
    ),
    Reason(
        "enterprise_id_invalid",
        WARN,
        "The enterprise id is not a number; the row is matched by registration number or name instead.",
        "প্রতিষ্ঠান আইডি সংখ্যা নয়; সারিটি নিবন্ধন নম্বর বা নাম দিয়ে মেলানো হয়েছে।",
    ),
    Reason(
        "size_class_differs",
        WARN,
        "The size class in the file differs from the one computed; computed kept.",
        "ফাইলের শ্রেণি হিসাবকৃত শ্রেণি থেকে ভিন্ন; হিসাবকৃত শ্রেণি রাখা হয়েছে।",
    ),
    Reason(
        "value_invalid",
        WARN,
        "A yes/no or status value cannot be read; left as default.",
        "হ্যাঁ/না বা অবস্থার মান পড়া যাচ্ছে না; পূর্বনির্ধারিত মান রাখা হয়েছে।",
    ),
]
REASONS: dict[str, Reason] = {reason.code: reason for reason in _REASONS}
