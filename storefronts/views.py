"""The enterprise's public page (/e/<slug>/), its photos, and the owner's editor. Views are thin: they parse,
call a selector or a service, and render."""

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from registrations.views.apply import applicant_required

from . import selectors, services
from .exceptions import StorefrontError
from .forms import LogoForm, ProductForm, StorefrontForm
from .markup import absolute, json_ld, local, local_business
from .storage import photo_storage


def _lang() -> str:
    return get_language() or "bn"


def _bilingual(error: StorefrontError) -> list[str]:
    """The error in the page's language first, then in the other: a reader of either learns what is wrong."""
    first = "bn" if _lang().startswith("bn") else "en"
    return [error.message_for(first), error.message_for("en" if first == "bn" else "bn")]


def _map_config(storefront) -> dict:
    enterprise = storefront.enterprise
    district = enterprise.district
    outline = None
    if district is not None:
        # Context when there is no basemap (offline machines, intranets): the district's outline.
        outline = district.geom_simple.simplify(0.002, preserve_topology=True).geojson
    return {
        "lat": round(enterprise.location.y, 6),
        "lng": round(enterprise.location.x, 6),
        "zoom": 12 if settings.BASEMAP_URL else 9,
        "basemap": settings.BASEMAP_URL,
        "attribution": settings.BASEMAP_ATTRIBUTION,
        "outline": outline,
        "label": local(enterprise, "name", _lang()),
    }


@require_GET
def page(request, slug: str):
    storefront = selectors.public_storefront(slug=slug)
    if storefront is None:
        raise Http404
    language = _lang()
    enterprise = storefront.enterprise
    products = list(storefront.products.all())
    path = selectors.page_url(storefront)
    name = local(enterprise, "name", language)
    description = local(storefront, "description", language)
    image = storefront.logo or next((p.photo for p in products if p.photo), "")
    is_owner = bool(
        request.user.is_authenticated
        and storefront.owner_id
        and getattr(request.user, "applicant", None) == storefront.owner
    )
    context = {
        "storefront": storefront,
        "enterprise": enterprise,
        "name": name,
        "other_name": enterprise.name_en if language.startswith("bn") else enterprise.name_bn,
        "description": description,
        "products": products,
        "logo_url": selectors.photo_url(storefront.logo),
        "badge_url": selectors.verification_link(enterprise),
        "map_config": _map_config(storefront),
        "json_ld": json_ld(local_business(storefront, products, language, request)),
        "og": {
            "title": name,
            "description": description
            or _("A BSCIC-registered enterprise in %(place)s, Bangladesh.")
            % {"place": local(enterprise.district, "name", language) if enterprise.district else ""},
            "image": absolute(request, selectors.photo_url(image)),
            "url": absolute(request, f"{path}?lang={language[:2]}"),
            "locale": "bn_BD" if language.startswith("bn") else "en_GB",
            "locale_alternate": "en_GB" if language.startswith("bn") else "bn_BD",
        },
        "canonical": absolute(request, f"{path}?lang={language[:2]}"),
        "alternates": {
            "bn": absolute(request, f"{path}?lang=bn"),
            "en": absolute(request, f"{path}?lang=en"),
        },
        "default_url": absolute(request, path),
        "is_owner": is_owner,
    }
    return render(request, "storefronts/page.html", context)


@require_GET
def photo(request, storefront_id: int, file: str):
    name = f"{storefront_id}/{file}"
    storefront = selectors.photo_visible(storefront_id=storefront_id, name=name, user=request.user)
    storage = photo_storage()
    if storefront is None or not storage.exists(name):
        raise Http404
    response = FileResponse(storage.open(name, "rb"), content_type="image/jpeg")
    if storefront.is_hidden or request.user.is_authenticated:
        # Seen by its owner or staff only, or on a page that may yet be hidden: no shared cache keeps it.
        patch_cache_control(response, private=True, max_age=0)
    else:
        # A name is never reused for other content (a new photo gets a new name).
        patch_cache_control(response, public=True, max_age=settings.STOREFRONT_PHOTO_MAX_AGE_SECONDS)
    response["ETag"] = f'"{file}"'
    return response


# --- the owner's editor ---------------------------------------------------------------------------------


def _own(request, slug: str):
    storefront = selectors.owned_storefront(applicant=request.applicant, slug=slug)
    if storefront is None:  # another's page, or none: that it exists is not this applicant's to know
        raise Http404
    return storefront


def _show_photo_error(form, field: str | None, error: StorefrontError) -> None:
    for message in _bilingual(error):
        form.add_error(field, message)


@require_http_methods(["GET", "POST"])
@applicant_required
def edit(request, slug: str):
    storefront = _own(request, slug)
    form = StorefrontForm(request.POST or None, instance=storefront)
    if request.method == "POST" and form.is_valid():
        services.storefront_update(
            storefront=storefront, **{name: form.cleaned_data[name] for name in StorefrontForm.Meta.fields}
        )
        messages.success(request, _("Your page is saved."))
        return redirect("storefronts:edit", slug=storefront.slug)
    context = {
        "storefront": storefront,
        "form": form,
        "logo_form": LogoForm(),
        "logo_url": selectors.photo_url(storefront.logo),
        "products": list(storefront.products.all()),
        "page_url": selectors.page_url(storefront),
        "name": local(storefront.enterprise, "name", _lang()),
        "max_products": settings.STOREFRONT_MAX_PRODUCTS,
    }
    return render(request, "storefronts/edit.html", context)


@require_POST
@applicant_required
def logo(request, slug: str):
    storefront = _own(request, slug)
    form = LogoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.storefront_logo_set(
                storefront=storefront, upload=form.cleaned_data["photo"], remove=form.cleaned_data["remove"]
            )
        except StorefrontError as error:
            _show_photo_error(form, "photo", error)
        else:
            messages.success(request, _("The photo is saved."))
            return redirect(reverse("storefronts:edit", kwargs={"slug": slug}) + "#logo")
    context = {
        "storefront": storefront,
        "form": StorefrontForm(instance=storefront),
        "logo_form": form,
        "logo_url": selectors.photo_url(storefront.logo),
        "products": list(storefront.products.all()),
        "page_url": selectors.page_url(storefront),
        "name": local(storefront.enterprise, "name", _lang()),
        "max_products": settings.STOREFRONT_MAX_PRODUCTS,
    }
    return render(request, "storefronts/edit.html", context, status=400)


@require_http_methods(["GET", "POST"])
@applicant_required
def product_edit(request, slug: str, pk: int | None = None):
    storefront = _own(request, slug)
    product = get_object_or_404(storefront.products, pk=pk) if pk is not None else None
    form = ProductForm(request.POST or None, request.FILES or None, instance=product)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.product_save(
                    storefront=storefront,
                    product=form.instance,
                    photo=form.cleaned_data["photo_upload"],
                    remove_photo=form.cleaned_data["remove_photo"],
                    **form.values(),
                )
            except StorefrontError as error:
                _show_photo_error(form, "photo_upload" if error.code.startswith("photo") else None, error)
            else:
                messages.success(request, _("The product is saved."))
                return redirect(reverse("storefronts:edit", kwargs={"slug": slug}) + "#products")
    context = {
        "storefront": storefront,
        "form": form,
        "product": product,
        "photo_url": selectors.photo_url(product.photo) if product else "",
        "name": local(storefront.enterprise, "name", _lang()),
    }
    return render(request, "storefronts/product_form.html", context, status=status)


@require_POST
@applicant_required
def product_delete(request, slug: str, pk: int):
    storefront = _own(request, slug)
    services.product_delete(product=get_object_or_404(storefront.products, pk=pk))
    messages.success(request, _("The product is deleted."))
    return redirect(reverse("storefronts:edit", kwargs={"slug": slug}) + "#products")
