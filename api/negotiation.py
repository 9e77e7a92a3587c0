"""Content negotiation for views that write their own bodies (GeoJSON, OGC documents, vector tiles, stats
as a table or a choropleth)."""

from rest_framework.negotiation import BaseContentNegotiation


class JSONWhateverAccepted(BaseContentNegotiation):
    """Clients ask for application/geo+json, the OpenAPI media type or protobuf, which no DRF renderer
    lists, so DRF would answer 406 before the view runs; and ``?format=`` here picks the body the view
    writes, not a DRF renderer (DRF would answer 404). Every error is JSON; every answer says its own
    content type."""

    def select_parser(self, request, parsers):
        return parsers[0]

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type
