"""An uploaded photo as it may be stored: a picture by its content (JPEG, PNG or WebP), decoded only within
the pixel limit (decompression bombs), turned as the camera meant, shrunk to the longest side allowed and
encoded again as JPEG with no metadata at all (EXIF with a GPS position, ICC, XMP, comments)."""

import io
import warnings

from django.conf import settings
from PIL import Image, ImageOps, UnidentifiedImageError

from .exceptions import PhotoNotAnImage, PhotoTooLarge, PhotoTooManyPixels

ACCEPTED_FORMATS = {"JPEG", "MPO", "PNG", "WEBP"}
JPEG_QUALITY = 85


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".rstrip("0").rstrip(".")


def photo_reencoded(upload) -> bytes:
    """The JPEG to store for ``upload`` (a Django UploadedFile), or raise PhotoTooLarge / PhotoNotAnImage /
    PhotoTooManyPixels."""
    name = upload.name or "?"
    limit = settings.STOREFRONT_PHOTO_MAX_BYTES
    if upload.size > limit:  # the upload handler counted it: nothing read yet
        raise PhotoTooLarge(name=name, size=megabytes(upload.size), limit=megabytes(limit))
    upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise PhotoTooLarge(name=name, size=megabytes(len(data)), limit=megabytes(limit))
    max_pixels = settings.STOREFRONT_PHOTO_MAX_PIXELS
    too_many = PhotoTooManyPixels(name=name, pixels="?", limit=f"{max_pixels / 1e6:.0f}")
    try:
        with warnings.catch_warnings():
            # Pillow warns above its own limit and raises above twice that; ours is checked from the header
            # before a pixel is decoded, and Pillow's warning is an error too.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data))
            if probe.format not in ACCEPTED_FORMATS:
                raise PhotoNotAnImage(name=name)
            pixels = probe.width * probe.height
            if pixels > max_pixels:
                raise PhotoTooManyPixels(
                    name=name, pixels=f"{pixels / 1e6:.0f}", limit=too_many.details["limit"]
                )
            probe.verify()  # the structure, before decoding
            image = Image.open(io.BytesIO(data))  # verify() leaves the image unusable
            image.load()
            image = ImageOps.exif_transpose(image)
    except (PhotoNotAnImage, PhotoTooManyPixels):
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_many from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise PhotoNotAnImage(name=name) from None
    side = settings.STOREFRONT_PHOTO_MAX_SIDE
    image.thumbnail((side, side), Image.Resampling.LANCZOS)
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        # JPEG has no transparency: a logo's transparent parts become white, not black.
        rgba = image.convert("RGBA")
        image = Image.new("RGB", rgba.size, (255, 255, 255))
        image.paste(rgba, mask=rgba.getchannel("A"))
    else:
        image = image.convert("RGB")
    out = io.BytesIO()
    # A new image from the pixels only: nothing of the original's info (EXIF, ICC, XMP, comments) goes along.
    clean = Image.new("RGB", image.size)
    clean.paste(image)
    clean.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    return out.getvalue()
