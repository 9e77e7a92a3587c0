"""What an uploaded document must be before it is stored: PDF, JPEG or PNG by content, within the size limit.

The type is read from the first bytes (magic numbers), never from the name or the browser's word: a PHP script
renamed ``.pdf`` is refused. The size is checked before the file is read (the upload handler has already
counted it). Images are decoded and encoded again by Pillow, which drops EXIF (with any GPS position) and
anything hidden after the picture, and refuses decompression bombs. PDFs are not re-encoded (there is no
safe, faithful way without a PDF toolkit): they must start with ``%PDF-`` and end with ``%%EOF``, and they
are served as attachments only, never inline.
"""

import hashlib
import io
import warnings
from dataclasses import dataclass

from django.conf import settings
from PIL import Image, ImageOps, UnidentifiedImageError

from .exceptions import RegistrationError

PDF, JPEG, PNG = "application/pdf", "image/jpeg", "image/png"
SUFFIXES = {PDF: ".pdf", JPEG: ".jpg", PNG: ".png"}
# A trailer may be followed by a line end or a few bytes of padding; look for %%EOF near the end.
PDF_TAIL_BYTES = 1024


class UploadTooLarge(RegistrationError):
    code = "upload_too_large"
    message_en = "'{name}' is {size} MB; each file may be at most {limit} MB. Scan it at a lower resolution."
    message_bn = (
        "'{name}' ফাইলটি {size} মেগাবাইট; প্রতিটি ফাইল সর্বোচ্চ {limit} মেগাবাইট হতে পারে। কম রেজোলিউশনে স্ক্যান করুন।"
    )


class UploadWrongType(RegistrationError):
    code = "upload_wrong_type"
    message_en = (
        "'{name}' is not a PDF, JPEG or PNG file (whatever its name says). Upload a PDF, JPEG or PNG."
    )
    message_bn = "'{name}' পিডিএফ, জেপিইজি বা পিএনজি ফাইল নয় (নাম যা-ই হোক)। পিডিএফ, জেপিইজি বা পিএনজি ফাইল দিন।"


class UploadDamaged(RegistrationError):
    code = "upload_damaged"
    message_en = "'{name}' could not be read: the file is damaged or incomplete. Save it again and upload it."
    message_bn = "'{name}' পড়া যায়নি: ফাইলটি নষ্ট বা অসম্পূর্ণ। আবার সংরক্ষণ করে আপলোড করুন।"


class UploadImageTooBig(RegistrationError):
    code = "upload_image_too_big"
    message_en = "'{name}' is a picture of {pixels} megapixels; at most {limit} megapixels are accepted."
    message_bn = "'{name}' ছবিটি {pixels} মেগাপিক্সেল; সর্বোচ্চ {limit} মেগাপিক্সেল গ্রহণযোগ্য।"


@dataclass(frozen=True)
class CheckedFile:
    content: bytes  # what is stored: the re-encoded image, or the PDF as uploaded
    content_type: str
    suffix: str
    sha256: str


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".rstrip("0").rstrip(".")


def sniff(head: bytes) -> str | None:
    """The content type the first bytes prove, or None."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    return None


def check_upload(upload) -> CheckedFile:
    """The upload as it may be stored, or raise UploadTooLarge / UploadWrongType / UploadDamaged /
    UploadImageTooBig. ``upload`` is a Django UploadedFile."""
    name = upload.name or "?"
    limit = settings.REGISTRATION_MAX_UPLOAD_BYTES
    if upload.size > limit:  # known from the upload handler: nothing read yet
        raise UploadTooLarge(name=name, size=megabytes(upload.size), limit=megabytes(limit))
    upload.seek(0)
    content_type = sniff(upload.read(8))
    if content_type is None:
        raise UploadWrongType(name=name)
    upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:  # the handler's count was wrong: trust what was read
        raise UploadTooLarge(name=name, size=megabytes(upload.size), limit=megabytes(limit))
    if content_type == PDF:
        if b"%%EOF" not in data[-PDF_TAIL_BYTES:]:
            raise UploadDamaged(name=name)
        content = data
    else:
        content = _reencoded(data, content_type, name)
    return CheckedFile(content, content_type, SUFFIXES[content_type], hashlib.sha256(content).hexdigest())


# Phones write some JPEGs with extra pictures appended (MPO); Pillow names the format so. The first is kept.
FORMATS = {JPEG: ("JPEG", "MPO"), PNG: ("PNG",)}


def _reencoded(data: bytes, content_type: str, name: str) -> bytes:
    limit = settings.REGISTRATION_MAX_IMAGE_PIXELS
    try:
        with warnings.catch_warnings():
            # Pillow warns above its own limit and raises above twice that; ours is lower and checked from
            # the header, before a pixel is decoded.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in FORMATS[content_type]:
                raise UploadWrongType(name=name)
            pixels = image.width * image.height
            if pixels > limit:
                raise UploadImageTooBig(name=name, pixels=f"{pixels / 1e6:.0f}", limit=f"{limit / 1e6:.0f}")
            image.load()
            # Turn the picture as the camera meant it before the orientation tag goes with the EXIF.
            image = ImageOps.exif_transpose(image)
    except RegistrationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise UploadImageTooBig(name=name, pixels="?", limit=f"{limit / 1e6:.0f}") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise UploadDamaged(name=name) from None
    out = io.BytesIO()
    # exif=b"": nothing of the original's metadata (camera, GPS position, time) is written.
    if content_type == JPEG:
        image.convert("RGB").save(out, format="JPEG", quality=88, optimize=True, exif=b"")
    else:
        if image.mode not in ("1", "L", "LA", "P", "RGB", "RGBA"):
            image = image.convert("RGBA")
        image.save(out, format="PNG", optimize=True, exif=b"")
    return out.getvalue()
