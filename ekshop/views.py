"""ekShop's file and the Merchant feeds.

Public: the all-enterprises ekShop file and the feeds. They hold only what the opted-in enterprises' public
pages show (names, prices, units, stock, photos, the page's link), and marketplaces fetch them unattended;
they are kept in the cache for EKSHOP_FEED_MAX_AGE_SECONDS, so that fetching them often costs no more than
once. The owner of a page (or staff) also gets that page's file alone, and a page saying what was left out.
"""

from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_safe

from storefronts.models import Storefront
from storefronts.selectors import page_url

from .exports import LANGUAGES, ekshop_file, merchant_feed
from .formats import ekshop_xlsx, merchant_rss, merchant_text


def site_of(request) -> str:
    """Scheme and host of the links in the files: the configured public address, else the one asked."""
    return settings.REGISTRATION_SITE_URL or request.build_absolute_uri("/").rstrip("/")


def _language(request, default: str) -> str:
    chosen = request.GET.get("lang")
    return chosen if chosen in LANGUAGES else default


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _cached(key: str, build):
    return cache.get_or_set(f"ekshop:{key}", build, timeout=settings.EKSHOP_FEED_MAX_AGE_SECONDS)


public_file = cache_control(public=True, max_age=settings.EKSHOP_FEED_MAX_AGE_SECONDS)


@require_safe
@public_file
def products_xlsx(request):
    site, language = site_of(request), _language(request, settings.EKSHOP_LANGUAGE)
    content = _cached(f"xlsx:{language}:{site}", lambda: ekshop_file(site=site, language=language).content)
    return _download(content, ekshop_xlsx.MEDIA_TYPE, "ekshop-products.xlsx")


@require_safe
@public_file
def merchant_xml(request):
    site, language = site_of(request), _language(request, settings.MERCHANT_FEED_LANGUAGE)

    def build() -> bytes:
        with translation.override(language):
            return merchant_rss.merchant_rss(
                merchant_feed(site=site, language=language),
                title=_("Products of BSCIC-registered enterprises"),
                link=site + "/",
                description=_("Products that enterprises registered with BSCIC list on their own pages."),
            )

    return HttpResponse(_cached(f"rss:{language}:{site}", build), content_type=merchant_rss.MEDIA_TYPE)


def _merchant_text(request, delimiter: str):
    site, language = site_of(request), _language(request, settings.MERCHANT_FEED_LANGUAGE)

    def build() -> str:
        return "".join(
            merchant_text.merchant_text(merchant_feed(site=site, language=language), delimiter=delimiter)
        )

    text = _cached(f"text:{ord(delimiter)}:{language}:{site}", build)
    return HttpResponse(text, content_type=merchant_text.MEDIA_TYPES[delimiter])


@require_safe
@public_file
def merchant_csv(request):
    return _merchant_text(request, ",")


@require_safe
@public_file
def merchant_tsv(request):
    return _merchant_text(request, "\t")


# --- one enterprise's file, for its owner ----------------------------------------------------------------


def owner_or_staff(view):
    """Logged in (else to the login page, and back) as the page's owner or as staff (else 403)."""

    @wraps(view)
    def wrapper(request, slug):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        storefront = get_object_or_404(Storefront.objects.select_related("owner", "enterprise"), slug=slug)
        owner = storefront.owner is not None and storefront.owner.user_id == request.user.pk
        if not (owner or request.user.is_staff):
            raise PermissionDenied(_("Only the owner of this page can download its ekShop file."))
        return view(request, storefront)

    return never_cache(require_safe(wrapper))


def _listed(storefront: Storefront) -> bool:
    return storefront.ekshop_opt_in and Storefront.objects.public().filter(pk=storefront.pk).exists()


@owner_or_staff
def enterprise_page(request, storefront: Storefront):
    listed = _listed(storefront)
    result = ekshop_file(site=site_of(request), storefront=storefront) if listed else None
    return render(
        request,
        "ekshop/enterprise.html",
        {
            "storefront": storefront,
            "listed": listed,
            "result": result,
            "page_url": page_url(storefront),
            "opt_in_label": Storefront._meta.get_field("ekshop_opt_in").verbose_name,
        },
    )


@owner_or_staff
def enterprise_xlsx(request, storefront: Storefront):
    if not _listed(storefront):
        raise Http404(_("This page is not listed on ekShop."))
    result = ekshop_file(site=site_of(request), storefront=storefront)
    return _download(result.content, ekshop_xlsx.MEDIA_TYPE, f"ekshop-{storefront.slug}.xlsx")
