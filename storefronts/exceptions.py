"""Errors of the enterprise pages, each with a code and a message in English and Bangla."""

from industries.exceptions import CodedError


class StorefrontError(CodedError):
    code = "storefront_error"

    def message_for(self, language: str) -> str:
        return self.message_bangla if (language or "").startswith("bn") else self.message


class PhotoTooLarge(StorefrontError):
    code = "photo_too_large"
    message_en = "'{name}' is {size} MB; a photo may be at most {limit} MB. Choose a smaller photo."
    message_bn = "'{name}' ছবিটি {size} মেগাবাইট; একটি ছবি সর্বোচ্চ {limit} মেগাবাইট হতে পারে। ছোট ছবি দিন।"


class PhotoNotAnImage(StorefrontError):
    code = "photo_not_an_image"
    message_en = "'{name}' is not a photo (JPEG, PNG or WebP), whatever its name says. Choose a photo."
    message_bn = "'{name}' কোনো ছবি (জেপিইজি, পিএনজি বা ওয়েবপি) নয়, নাম যা-ই হোক। একটি ছবি দিন।"


class PhotoTooManyPixels(StorefrontError):
    code = "photo_too_many_pixels"
    message_en = "'{name}' is a picture of {pixels} megapixels; at most {limit} megapixels are accepted."
    message_bn = "'{name}' ছবিটি {pixels} মেগাপিক্সেল; সর্বোচ্চ {limit} মেগাপিক্সেল গ্রহণযোগ্য।"


class TooManyProducts(StorefrontError):
    code = "too_many_products"
    message_en = "A page may list at most {limit} products. Delete one before adding another."
    message_bn = "একটি পাতায় সর্বোচ্চ {limit}টি পণ্য রাখা যায়। আরেকটি যোগ করার আগে একটি মুছুন।"


class NoReason(StorefrontError):
    code = "no_reason"
    message_en = "Say why the page is hidden: the owner is shown the reason."
    message_bn = "পাতাটি কেন লুকানো হলো তা লিখুন: মালিককে কারণটি দেখানো হয়।"
