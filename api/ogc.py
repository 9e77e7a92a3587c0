"""OGC API – Features (Part 1 Core, GeoJSON, OAS 3.0) at /ogc/. (Being written: issue 4.)"""

urlpatterns: list = []
