"""/sitemap.xml: every public enterprise page, dated by its last change (its products' too)."""

from django.contrib.sitemaps import Sitemap

from .models import Storefront
from .selectors import page_url


class StorefrontSitemap(Sitemap):
    changefreq = "weekly"
    limit = 5000

    def items(self):
        return Storefront.objects.public().only("slug", "updated").order_by("pk")

    def location(self, item):
        return page_url(item)

    def lastmod(self, item):
        return item.updated
