"""Google Merchant Center's XML product feed: RSS 2.0 with the attributes in the g: namespace.

Title, link and description are RSS's own item elements, the others g: ones (Merchant Center's RSS 2.0
specification). ElementTree escapes the text; Bangla is written as UTF-8.
"""

from collections.abc import Iterable
from xml.etree import ElementTree as ET

from .merchant import MerchantItem

G = "http://base.google.com/ns/1.0"
MEDIA_TYPE = "application/rss+xml; charset=utf-8"
RSS_ELEMENTS = ("title", "link", "description")

ET.register_namespace("g", G)


def merchant_rss(items: Iterable[MerchantItem], *, title: str, link: str, description: str) -> bytes:
    rss = ET.Element("rss", version="2.0")
    channel = ET.SubElement(rss, "channel")
    for name, text in (("title", title), ("link", link), ("description", description)):
        ET.SubElement(channel, name).text = text
    for item in items:
        element = ET.SubElement(channel, "item")
        for name, value in item.pairs():
            tag = name if name in RSS_ELEMENTS else f"{{{G}}}{name}"
            ET.SubElement(element, tag).text = value
    return ET.tostring(rss, encoding="utf-8", xml_declaration=True)
