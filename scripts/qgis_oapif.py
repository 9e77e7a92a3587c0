#!/usr/bin/python3
"""Open the OGC API – Features service in QGIS, headless, as an analyst would (Layer → Add WFS / OGC API
Features), and report what QGIS saw as JSON on stdout.

Runs under Debian's system Python with python3-qgis (apt-get install python3-qgis qgis-providers), not
the project's venv. Used by tests/api/test_qgis.py and bench/qgis_bench.py; useful by hand too:

    /usr/bin/python3 scripts/qgis_oapif.py http://127.0.0.1:8000/ogc --render /tmp/bogura.png

Every HTTP request QGIS makes is counted and listed, so a test can tell what was filtered on the server.
"""

import argparse
import json
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("NO_PROXY", "localhost,127.0.0.1")

from qgis.core import (  # QT_QPA_PLATFORM is set above, before Qt loads
    Qgis,
    QgsApplication,
    QgsAuthMethodConfig,
    QgsFeatureRequest,
    QgsMapRendererSequentialJob,
    QgsMapSettings,
    QgsNetworkAccessManager,
    QgsRectangle,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QSize
from qgis.PyQt.QtGui import QColor

COLLECTIONS = ["enterprises", "divisions", "districts", "upazilas"]


class RequestLog:
    """The URLs of every request QGIS sends, from any thread."""

    def __init__(self):
        self.urls: list[str] = []
        # A preprocessor sees each request in the thread that makes it; the requestAboutToBeCreated
        # signal would wait for an event loop that a synchronous download never runs.
        self._id = QgsNetworkAccessManager.setRequestPreprocessor(self._record)

    def _record(self, request):
        self.urls.append(request.url().toString())

    def since(self, mark: int) -> list[str]:
        return self.urls[mark:]


def layer_uri(url: str, collection: str, *, bbox_only: bool, authcfg: str = "") -> str:
    parts = [f"url='{url}'", f"typename='{collection}'"]
    if bbox_only:
        parts.append("restrictToRequestBBOX='1'")
    if authcfg:
        parts.append(f"authcfg={authcfg}")
    return " ".join(parts)


def basic_auth_config(key: str) -> str:
    """An API key as QGIS 3.22 can send it: HTTP Basic with the key as the password."""
    manager = QgsApplication.authManager()
    manager.setMasterPassword("qgis-oapif-check", True)
    config = QgsAuthMethodConfig("Basic")
    config.setName("BSCIC industry GIS key")
    config.setConfig("username", "key")
    config.setConfig("password", key)
    manager.storeAuthenticationConfig(config)
    return config.id()


def describe(layer: QgsVectorLayer, log: RequestLog, *, mark: int, iterate: bool) -> dict:
    """What QGIS makes of a layer, with the requests since ``mark`` (taken before the layer was made)."""
    result = {"valid": layer.isValid(), "error": layer.dataProvider().error().message() if layer else ""}
    if not layer.isValid():
        return result
    result["fields"] = [field.name() for field in layer.fields()]
    result["feature_count"] = layer.featureCount()
    if iterate:
        result["iterated"] = sum(1 for _ in layer.getFeatures())
    result["requests"] = log.since(mark)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("url", help="the service, e.g. http://127.0.0.1:8000/ogc")
    parser.add_argument("--also-url", action="append", default=[], help="another spelling of the URL")
    parser.add_argument("--collections", default=",".join(COLLECTIONS))
    parser.add_argument("--iterate", action="store_true", help="read every feature of each layer")
    parser.add_argument("--bbox", help="minlon,minlat,maxlon,maxlat to read enterprises in, as a view")
    parser.add_argument("--subset", help="a QGIS filter expression on the enterprises layer")
    parser.add_argument("--render", help="a PNG of the districts and the enterprises")
    parser.add_argument("--render-extent", help="minlon,minlat,maxlon,maxlat of the PNG (default: --bbox)")
    parser.add_argument("--key", help="an API key, sent as HTTP Basic password")
    args = parser.parse_args()

    application = QgsApplication([], False)
    application.setPrefixPath("/usr", True)
    application.initQgis()
    log = RequestLog()
    authcfg = basic_auth_config(args.key) if args.key else ""
    report = {"qgis": Qgis.QGIS_VERSION, "layers": {}}

    for url in [args.url, *args.also_url]:
        report["layers"][url] = {}
        for collection in args.collections.split(","):
            mark = len(log.urls)
            uri = layer_uri(url, collection, bbox_only=False, authcfg=authcfg)
            layer = QgsVectorLayer(uri, collection, "OAPIF")
            report["layers"][url][collection] = describe(layer, log, mark=mark, iterate=args.iterate)

    view = QgsRectangle(*map(float, args.bbox.split(","))) if args.bbox else None
    enterprises = QgsVectorLayer(
        layer_uri(args.url, "enterprises", bbox_only=True, authcfg=authcfg), "enterprises", "OAPIF"
    )
    if view is not None:
        mark = len(log.urls)
        request = QgsFeatureRequest().setFilterRect(view)
        features = list(enterprises.getFeatures(request))
        report["bbox"] = {
            "count": len(features),
            "district_codes": sorted({f["district_code"] for f in features}),
            "requests": log.since(mark),
        }
    if args.subset:
        subset = QgsVectorLayer(
            layer_uri(args.url, "enterprises", bbox_only=False, authcfg=authcfg), "subset", "OAPIF"
        )
        mark = len(log.urls)
        accepted = subset.setSubsetString(args.subset)
        features = list(subset.getFeatures())
        report["subset"] = {
            "accepted": accepted,
            "count": len(features),
            "feature_count": subset.featureCount(),
            "size_classes": sorted({f["size_class"] for f in features}),
            "requests": log.since(mark),
        }
    if args.render:
        extent = QgsRectangle(*map(float, (args.render_extent or args.bbox).split(",")))
        districts = QgsVectorLayer(layer_uri(args.url, "districts", bbox_only=True), "districts", "OAPIF")
        districts.renderer().symbol().setColor(QColor("#f2efe9"))
        enterprises.renderer().symbol().setColor(QColor("#d7301f"))
        settings = QgsMapSettings()
        settings.setLayers([enterprises, districts])
        settings.setDestinationCrs(enterprises.crs())
        settings.setExtent(extent)
        settings.setOutputSize(QSize(800, 600))
        settings.setBackgroundColor(QColor("white"))
        job = QgsMapRendererSequentialJob(settings)
        job.start()
        job.waitForFinished()
        image = job.renderedImage()
        image.save(args.render, "PNG")
        marker = QColor("#d7301f").rgb()
        report["render"] = {
            "path": args.render,
            "marker_pixels": sum(
                image.pixel(x, y) == marker for x in range(0, image.width(), 2) for y in range(image.height())
            ),
        }

    report["requests_total"] = len(log.urls)
    json.dump(report, sys.stdout, ensure_ascii=False)
    sys.stdout.flush()
    # QGIS 3.22 crashes in exitQgis() when OAPIF layers are still alive; the report is out, so leave now.
    os._exit(0)


if __name__ == "__main__":
    main()
