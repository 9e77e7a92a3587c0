"""ISIC Rev. 4 divisions (BSIC 2009 follows them at this level) that an applicant chooses their sector from.

One choice, the division, gives both codes: its section follows from it. Names are short, in English and
Bangla, as data (like the configuration): choosing "13 · বস্ত্র" is easier than knowing that textiles are
C 13. Public administration (O 84), gambling (R 92), membership organisations (S 94) and the household and
extraterritorial sections (T, U) are left out: BSCIC does not register them.
"""

from django.utils.translation import get_language

# section: (English, Bangla)
SECTIONS = {
    "A": ("Agriculture, forestry and fishing", "কৃষি, বনায়ন ও মৎস্য"),
    "B": ("Mining and quarrying", "খনিজ উত্তোলন"),
    "C": ("Manufacturing", "উৎপাদনমুখী শিল্প"),
    "D": ("Electricity, gas and steam", "বিদ্যুৎ, গ্যাস ও বাষ্প"),
    "E": ("Water supply, sewerage and waste", "পানি সরবরাহ, পয়ঃনিষ্কাশন ও বর্জ্য"),
    "F": ("Construction", "নির্মাণ"),
    "G": ("Trade and repair of motor vehicles", "ব্যবসা ও মোটরযান মেরামত"),
    "H": ("Transport and storage", "পরিবহন ও সংরক্ষণ"),
    "I": ("Accommodation and food service", "আবাসন ও খাদ্যসেবা"),
    "J": ("Information and communication", "তথ্য ও যোগাযোগ"),
    "K": ("Finance and insurance", "অর্থ ও বিমা"),
    "L": ("Real estate", "রিয়েল এস্টেট"),
    "M": ("Professional, scientific and technical", "পেশাগত, বৈজ্ঞানিক ও কারিগরি সেবা"),
    "N": ("Administrative and support services", "প্রশাসনিক ও সহায়ক সেবা"),
    "P": ("Education", "শিক্ষা"),
    "Q": ("Health and social work", "স্বাস্থ্য ও সমাজকর্ম"),
    "R": ("Arts, entertainment and recreation", "শিল্পকলা, বিনোদন ও অবকাশ"),
    "S": ("Other service activities", "অন্যান্য সেবা"),
}

# division: (section, English, Bangla)
DIVISIONS = {
    "01": ("A", "Crop and animal production", "শস্য ও প্রাণিসম্পদ উৎপাদন"),
    "02": ("A", "Forestry and logging", "বনায়ন ও কাঠ আহরণ"),
    "03": ("A", "Fishing and aquaculture", "মৎস্য আহরণ ও চাষ"),
    "05": ("B", "Mining of coal", "কয়লা উত্তোলন"),
    "06": ("B", "Crude petroleum and natural gas", "অপরিশোধিত তেল ও প্রাকৃতিক গ্যাস"),
    "07": ("B", "Mining of metal ores", "ধাতব আকরিক উত্তোলন"),
    "08": ("B", "Other mining and quarrying (stone, sand, clay)", "অন্যান্য খনন (পাথর, বালু, মাটি)"),
    "09": ("B", "Mining support services", "খনন সহায়ক সেবা"),
    "10": ("C", "Food products", "খাদ্যপণ্য"),
    "11": ("C", "Beverages", "পানীয়"),
    "12": ("C", "Tobacco products", "তামাকজাত পণ্য"),
    "13": ("C", "Textiles (spinning, weaving, handloom)", "বস্ত্র (সুতা, বয়ন, তাঁত)"),
    "14": ("C", "Wearing apparel", "পোশাক"),
    "15": ("C", "Leather and footwear", "চামড়া ও জুতা"),
    "16": ("C", "Wood, bamboo and cane products", "কাঠ, বাঁশ ও বেতের পণ্য"),
    "17": ("C", "Paper and paper products", "কাগজ ও কাগজজাত পণ্য"),
    "18": ("C", "Printing", "মুদ্রণ"),
    "19": ("C", "Coke and refined petroleum", "কোক ও পরিশোধিত পেট্রোলিয়াম"),
    "20": ("C", "Chemicals", "রাসায়নিক দ্রব্য"),
    "21": ("C", "Pharmaceuticals", "ওষুধ"),
    "22": ("C", "Rubber and plastic products", "রাবার ও প্লাস্টিক পণ্য"),
    "23": ("C", "Ceramics, glass, cement and bricks", "সিরামিক, কাচ, সিমেন্ট ও ইট"),
    "24": ("C", "Basic metals", "মৌলিক ধাতু"),
    "25": ("C", "Fabricated metal products", "ধাতব পণ্য"),
    "26": ("C", "Computer, electronic and optical products", "কম্পিউটার, ইলেকট্রনিক ও অপটিক্যাল পণ্য"),
    "27": ("C", "Electrical equipment", "বৈদ্যুতিক সরঞ্জাম"),
    "28": ("C", "Machinery and equipment", "যন্ত্রপাতি ও সরঞ্জাম"),
    "29": ("C", "Motor vehicles and parts", "মোটরযান ও যন্ত্রাংশ"),
    "30": ("C", "Other transport equipment (boats, bicycles)", "অন্যান্য পরিবহন সরঞ্জাম (নৌযান, বাইসাইকেল)"),
    "31": ("C", "Furniture", "আসবাবপত্র"),
    "32": (
        "C",
        "Other manufacturing (jewellery, toys, sports goods)",
        "অন্যান্য উৎপাদন (অলংকার, খেলনা, ক্রীড়াসামগ্রী)",
    ),
    "33": ("C", "Repair and installation of machinery", "যন্ত্রপাতি মেরামত ও স্থাপন"),
    "35": ("D", "Electricity, gas and steam", "বিদ্যুৎ, গ্যাস ও বাষ্প"),
    "36": ("E", "Water collection and supply", "পানি সংগ্রহ ও সরবরাহ"),
    "37": ("E", "Sewerage", "পয়ঃনিষ্কাশন"),
    "38": ("E", "Waste collection and recycling", "বর্জ্য সংগ্রহ ও পুনঃপ্রক্রিয়াকরণ"),
    "39": ("E", "Remediation", "দূষণ প্রতিকার"),
    "41": ("F", "Construction of buildings", "ভবন নির্মাণ"),
    "42": ("F", "Civil engineering", "পুরকৌশল নির্মাণ"),
    "43": ("F", "Specialised construction work", "বিশেষায়িত নির্মাণকাজ"),
    "45": ("G", "Motor vehicle trade and repair", "মোটরযান ব্যবসা ও মেরামত"),
    "46": ("G", "Wholesale trade", "পাইকারি ব্যবসা"),
    "47": ("G", "Retail trade", "খুচরা ব্যবসা"),
    "49": ("H", "Land transport", "স্থল পরিবহন"),
    "50": ("H", "Water transport", "নৌ পরিবহন"),
    "51": ("H", "Air transport", "বিমান পরিবহন"),
    "52": ("H", "Warehousing and cold storage", "গুদাম ও হিমাগার"),
    "53": ("H", "Postal and courier", "ডাক ও কুরিয়ার"),
    "55": ("I", "Accommodation", "আবাসন"),
    "56": ("I", "Food and beverage service", "খাদ্য ও পানীয় পরিবেশন"),
    "58": ("J", "Publishing", "প্রকাশনা"),
    "59": ("J", "Film, video and sound", "চলচ্চিত্র, ভিডিও ও শব্দ"),
    "60": ("J", "Broadcasting", "সম্প্রচার"),
    "61": ("J", "Telecommunications", "টেলিযোগাযোগ"),
    "62": ("J", "Computer programming and consultancy", "কম্পিউটার প্রোগ্রামিং ও পরামর্শ"),
    "63": ("J", "Information services", "তথ্যসেবা"),
    "64": ("K", "Financial services", "আর্থিক সেবা"),
    "65": ("K", "Insurance", "বিমা"),
    "66": ("K", "Auxiliary financial services", "আর্থিক সহায়ক সেবা"),
    "68": ("L", "Real estate", "রিয়েল এস্টেট"),
    "69": ("M", "Legal and accounting", "আইন ও হিসাবরক্ষণ"),
    "70": ("M", "Management consultancy", "ব্যবস্থাপনা পরামর্শ"),
    "71": ("M", "Architecture and engineering", "স্থাপত্য ও প্রকৌশল"),
    "72": ("M", "Research and development", "গবেষণা ও উন্নয়ন"),
    "73": ("M", "Advertising and market research", "বিজ্ঞাপন ও বাজার গবেষণা"),
    "74": ("M", "Design, photography and other professional services", "নকশা, আলোকচিত্র ও অন্যান্য পেশাগত সেবা"),
    "75": ("M", "Veterinary services", "পশু চিকিৎসা"),
    "77": ("N", "Rental and leasing", "ভাড়া ও ইজারা"),
    "78": ("N", "Employment services", "কর্মসংস্থান সেবা"),
    "79": ("N", "Travel agencies", "ভ্রমণ সংস্থা"),
    "80": ("N", "Security services", "নিরাপত্তা সেবা"),
    "81": ("N", "Cleaning and landscape services", "পরিচ্ছন্নতা ও বাগান পরিচর্যা"),
    "82": ("N", "Office support services", "অফিস সহায়ক সেবা"),
    "85": ("P", "Education", "শিক্ষা"),
    "86": ("Q", "Human health", "স্বাস্থ্যসেবা"),
    "87": ("Q", "Residential care", "আবাসিক পরিচর্যা"),
    "88": ("Q", "Social work", "সমাজকর্ম"),
    "90": ("R", "Creative arts", "সৃজনশীল শিল্পকলা"),
    "91": ("R", "Libraries and museums", "গ্রন্থাগার ও জাদুঘর"),
    "93": ("R", "Sports and recreation", "ক্রীড়া ও বিনোদন"),
    "95": ("S", "Repair of computers and household goods", "কম্পিউটার ও গৃহস্থালি সামগ্রী মেরামত"),
    "96": (
        "S",
        "Personal services (laundry, beauty parlour, tailoring)",
        "ব্যক্তিগত সেবা (লন্ড্রি, বিউটি পার্লার, দর্জি)",
    ),
}


def _name(pair: tuple[str, str]) -> str:
    return pair[1] if (get_language() or "").startswith("bn") else pair[0]


def division_choices() -> list:
    """The divisions grouped by section, labelled in the current language (for a <select> with optgroups)."""
    groups = []
    for section, names in SECTIONS.items():
        options = [
            (code, f"{code} · {_name((en, bn))}") for code, (s, en, bn) in DIVISIONS.items() if s == section
        ]
        groups.append((f"{section} · {_name(names)}", options))
    return groups


def division_label(code: str) -> str:
    if code not in DIVISIONS:
        return code
    section, en, bn = DIVISIONS[code]
    return f"{section} {code} · {_name((en, bn))}"
