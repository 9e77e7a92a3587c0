"""OGC API – Features (Part 1: Core, GeoJSON, OpenAPI 3.0; Part 3: filters) at /ogc/, so that QGIS, ArcGIS and
GDAL read the enterprises and the admin units as layers, without a plugin. One provider class per
collection (``providers``), the views that ask them (``views``), the parameters every collection shares
(``parameters``) and the API definition built from the providers (``openapi``)."""
