"""The national map at a million enterprises in headless Chromium: time to the first complete render of the
national view (``/``) and of one district (``/?division=50&district=10``, Bogura in Rajshahi: the page
zooms to the district itself), against the naive page in the same run: django-leaflet's Leaflet fetching
every matching enterprise from the streamed GeoJSON export and adding them with ``L.geoJSON(data)``.

    .venv/bin/python bench/map_bench.py     # on geodb_api_bench (bench/api_bench.py --setup 1000000 makes it)
    .venv/bin/python bench/map_bench.py --repeat 3 --naive-limit 180 --division 50 --district 10

The script starts ``manage.py runserver`` on a free loopback port (settings ``geodb.settings.dev``, no
basemap, throttles opened, CORS open to the naive page) and serves the naive page from a temporary
directory with Python's http.server on another port, so nothing is added to the project's URLs. Every load
is a fresh browser context (empty cache). The server's log is bench/out/server.log; the screenshots
(map-national.png, map-district.png, naive-national.png, naive-district.png) go to bench/out/.

"Complete" for the map: ``window.bscicMap.debug.idle()`` (no API request of the page pending), no zoom
animation, the vector tile layer (if shown) done loading and drawing, and no request in flight, held for
0.5 s without a new request (like Playwright's network idle); the time is the page's own clock
(``performance.now()``, from navigation start) when that state began, polled every ~25 ms. For the naive
page: two animation frames after ``L.geoJSON(data).addTo(map)`` returned and the last request (the marker
icons) ended. The naive page gets ``--naive-limit`` seconds; where it does not finish, the script reports
how far it got: bytes of GeoJSON received (from the DevTools protocol), features parsed and added, or a
renderer crash. Its district view is loaded up to --repeat times while a load takes under a sixth of the
limit; its national view once, last, since it may exhaust the renderer's memory.

"+1st shot" is how long the first screenshot after "complete" takes. Headless Chromium (here without a GPU)
rasterises a page's pixels when asked for them, so this is the time still to go before the view is on
screen: a few tens of milliseconds for the map's canvas tiles, minutes for thousands of DOM markers.

``--lighthouse`` (or ``--lighthouse-only``, without the timings above) then runs Lighthouse on the national
map, its mobile and desktop presets, categories performance and accessibility, in Debian's Chromium
(CHROME_PATH=/usr/bin/chromium, headless), against the production stack (scripts/serve_prod.sh: nginx's
compression and cache headers are what Lighthouse judges; runserver has neither) on the same database, with
its files under var/map_bench/prod. It prints each preset's scores (median of --lighthouse-runs), the metrics
and the opportunities the issue names (render-blocking resources, total byte weight, text compression, cache
lifetimes) and any accessibility audit that failed; the reports are bench/out/lighthouse-*.json. Lighthouse
is installed on first use from bench/lighthouse/package-lock.json (npm ci there): it is ~200 packages, kept
out of the repository's package.json, which `make setup` installs for the tests. Where it cannot run, the
script says why and goes on.

    .venv/bin/python bench/map_bench.py --lighthouse-only --lighthouse-runs 3
"""

import argparse
import contextlib
import http.server
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from functools import partial
from pathlib import Path
from urllib.parse import quote, urlparse

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.browser import CHROMIUM, CHROMIUM_ARGS  # the browser the tests drive, started the same way
from tests.prod_stack import serve_prod  # the standard library only: no Django here

OUT = ROOT / "bench" / "out"
BENCH_DSN = "postgis://geodb:geodb@127.0.0.1:5432/geodb_api_bench"
VIEWPORT = {"width": 1280, "height": 800}
QUIET_SECONDS = 0.5  # no new request for this long after the page is ready: Playwright's "network idle"
# The issue: no page may ever ask for more than a few thousand GeoJSON features.
GEOJSON_FEATURE_BUDGET = 3000

LIGHTHOUSE_DIR = ROOT / "bench" / "lighthouse"
LIGHTHOUSE_CLI = LIGHTHOUSE_DIR / "node_modules" / "lighthouse" / "cli" / "index.js"
LIGHTHOUSE_PRESETS = ("mobile", "desktop")
# Issue 12's targets, in Lighthouse's 0-100 scores.
LIGHTHOUSE_TARGETS = {"performance": 90, "accessibility": 100}
LIGHTHOUSE_METRICS = (
    "first-contentful-paint",
    "largest-contentful-paint",
    "total-blocking-time",
    "cumulative-layout-shift",
    "speed-index",
)
LIGHTHOUSE_OPPORTUNITIES = (
    "render-blocking-resources",
    "total-byte-weight",
    "uses-text-compression",
    "uses-long-cache-ttl",
)

# What the map page says about itself: null while anything is still loading or moving.
MAP_READY = """() => {
  const debug = window.bscicMap && window.bscicMap.debug;
  // idle(): no API request and no tile of the page in flight; zooming(): a zoom animation runs.
  if (!debug || !debug.idle() || debug.zooming()) return null;
  const map = debug.map();
  return {
    now: performance.now(),
    zoom: map.getZoom(),
    rendered: debug.renderedCount(),
    total: document.getElementById("total-count").dataset.value,
  };
}"""

# The approach users would otherwise take: one GeoJSON layer of everything. The console lines only report
# progress to the script; the page does nothing else.
NAIVE_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Naive GeoJSON map</title><link rel="icon" href="data:,">
<link rel="stylesheet" href="{static}leaflet/leaflet.css">
<script src="{static}leaflet/leaflet.js"></script>
<style>html, body, #map {{ height: 100%; margin: 0; }}</style></head>
<body><div id="map"></div>
<script>
  function log(what, extra) {{
    var event = Object.assign({{what: what, t: performance.now()}}, extra || {{}});
    console.log("naive " + JSON.stringify(event));
  }}
  log("start", {{origin: performance.timeOrigin}});
  var params = new URLSearchParams(location.search);
  var map = L.map("map").setView([23.7, 90.35], 7);
  fetch(params.get("data"))
    .then(function (response) {{ return response.json(); }})
    .then(function (data) {{
      log("parsed", {{features: data.features.length}});
      var layer = L.geoJSON(data);
      if (params.get("fit") && layer.getLayers().length) map.fitBounds(layer.getBounds(), {{animate: false}});
      layer.addTo(map);
      log("added", {{features: layer.getLayers().length}});
      requestAnimationFrame(function () {{ requestAnimationFrame(function () {{ log("done"); }}); }});
    }})
    .catch(function (error) {{ log("error", {{message: String(error)}}); }});
</script></body></html>
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def chromium_rss_mb() -> float:
    """The resident memory of the largest Chromium process started by this script (the renderer, mostly)."""
    processes = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
            rss_pages = int((stat.parent / "statm").read_text().split()[1])
        except (OSError, ValueError, IndexError):
            continue
        comm = text[text.index("(") + 1 : text.rindex(")")]
        ppid = int(text[text.rindex(")") + 2 :].split()[1])
        processes[int(stat.parent.name)] = (ppid, comm, rss_pages * os.sysconf("SC_PAGE_SIZE"))
    mine = {os.getpid()}
    grew = True
    while grew:
        more = {pid for pid, (ppid, _, _) in processes.items() if ppid in mine} - mine
        mine |= more
        grew = bool(more)
    sizes = [rss for pid, (_, comm, rss) in processes.items() if pid in mine and "chrom" in comm.lower()]
    return max(sizes, default=0) / 1e6


class RssPeak:
    def __init__(self):
        self.peak, self.sampled = 0.0, 0.0

    def sample(self, every: float = 0.25):
        if time.monotonic() - self.sampled >= every:
            self.sampled = time.monotonic()
            self.peak = max(self.peak, chromium_rss_mb())


# --- the two servers --------------------------------------------------------------------------------------


def start_django(port: int, *, database_url: str, cors_origin: str, log) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "geodb.settings.dev",
        "GEODB_BASEMAP_URL": "",  # offline: the map draws the boundaries from the database
        "GEODB_API_ANON_RATE": "100000/minute",
        "GEODB_TILES_ANON_RATE": "100000/minute",
        "GEODB_EXPORT_ANON_RATE": "100000/hour",  # the naive page reads the export
        "GEODB_CORS_ALLOWED_ORIGINS": cors_origin,
        "PYTHONUNBUFFERED": "1",
    }
    command = [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def start_prod(port: int, *, database_url: str, cors_origin: str) -> subprocess.Popen:
    """The production stack (nginx's static files, compression and cache headers; gunicorn), as users get
    it, with the same limits opened as for runserver."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "GEODB_PROD_RUN_DIR": str(ROOT / "var" / "map_bench" / "prod"),
        "GEODB_BASEMAP_URL": "",
        "GEODB_API_ANON_RATE": "100000/minute",
        "GEODB_TILES_ANON_RATE": "100000/minute",
        "GEODB_EXPORT_ANON_RATE": "100000/hour",  # the naive page reads the export
        "GEODB_CORS_ALLOWED_ORIGINS": cors_origin,
    }
    return serve_prod(port, env)


def wait_until_answers(url: str, server: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"the Django server exited with {server.returncode}: see {OUT / 'server.log'}")
        try:
            with urllib.request.urlopen(url, timeout=30) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    sys.exit(f"the Django server did not answer {url} within {timeout:.0f} s")


def stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve_directory(directory: str, port: int) -> http.server.ThreadingHTTPServer:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), partial(QuietHandler, directory=directory))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


# --- one load of the map page -----------------------------------------------------------------------------


class Watched:
    """A fresh context and page, with every request, failure and console error recorded."""

    def __init__(self, browser):
        self.context = browser.new_context(viewport=VIEWPORT)
        self.page = self.context.new_page()
        self.requests, self.pending, self.problems = [], set(), []
        self.console, self.crashed = [], False
        page = self.page
        page.on("request", self._request)
        page.on("requestfinished", lambda r: self.pending.discard(r))
        page.on("requestfailed", self._failed)
        page.on("response", lambda r: r.status >= 400 and self.problems.append(f"HTTP {r.status} {r.url}"))
        page.on("console", self._console)
        page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        page.on("crash", lambda _: setattr(self, "crashed", True))

    def _request(self, request):
        self.requests.append(request)
        self.pending.add(request)

    def _failed(self, request):
        self.pending.discard(request)
        self.problems.append(f"failed {request.url}: {request.failure}")

    def _console(self, message):
        if message.type == "error":
            self.problems.append(f"console: {message.text}")
        self.console.append(message.text)

    def close(self):
        with contextlib.suppress(PlaywrightError):
            self.context.close()


def kind_of(url: str) -> str:
    path = urlparse(url).path
    if path.startswith("/tiles/"):
        return "tiles"
    if path.startswith("/api/"):
        return "api"
    if path.startswith("/static/"):
        return "static"
    return "page" if path == "/" else "other"


def short(url: str, width: int = 90) -> str:
    parsed = urlparse(url)
    text = parsed.path + (f"?{parsed.query}" if parsed.query else "")
    return text if len(text) <= width else text[: width - 1] + "…"


def load_map(browser, url: str, *, timeout: float, screenshot: Path | None) -> dict:
    watched = Watched(browser)
    page, rss = watched.page, RssPeak()
    try:
        page.goto(url, wait_until="commit")
        deadline = time.monotonic() + timeout
        ready = None
        while True:
            state = page.evaluate(MAP_READY)
            rss.sample()
            if state and not watched.pending:
                if ready is None or ready["requests"] != len(watched.requests):
                    ready = {**state, "requests": len(watched.requests), "seen": time.monotonic()}
                elif time.monotonic() - ready["seen"] >= QUIET_SECONDS:
                    break
            else:
                ready = None
            if time.monotonic() > deadline:
                return {"finished": False, "problems": watched.problems, "requests": len(watched.requests)}
            page.wait_for_timeout(25)
        rss.sample(every=0)
        result = {
            "finished": True,
            "seconds": ready["now"] / 1000,
            "zoom": ready["zoom"],
            "rendered": ready["rendered"],
            "total": ready["total"],
            "url": page.url,
            "rss": rss.peak,
            "problems": list(watched.problems),
            **what_it_asked_for(watched.requests),
        }
        # In headless Chromium a page's pixels are rasterised when asked for: the first screenshot is the
        # time to pixels on screen after the page's own signal (large for thousands of DOM markers).
        shot_started = time.monotonic()
        if screenshot:
            page.screenshot(path=screenshot)
            result["screenshot"] = screenshot
        else:
            page.screenshot()
        result["shot"] = time.monotonic() - shot_started
        return result
    finally:
        watched.close()


def what_it_asked_for(requests) -> dict:
    by_kind, features, largest_geojson = {}, 0, (0, "")
    tiles, tile_bytes, largest_tile = 0, 0, (0, "")
    timings, data_bytes = [], 0
    for request in requests:
        kind = kind_of(request.url)
        by_kind[kind] = by_kind.get(kind, 0) + 1
        response = request.response()
        if response is None:
            continue
        timing = request.timing
        if kind in ("api", "tiles"):
            data_bytes += request.sizes()["responseBodySize"]
        if timing.get("responseEnd", -1) >= 0:
            timings.append((timing["responseEnd"], request.url))
        if kind == "tiles":
            # Not len(response.body()): Chromium keeps no body of a fetch() read as an ArrayBuffer.
            size = request.sizes()["responseBodySize"]
            tiles += 1
            tile_bytes += size
            largest_tile = max(largest_tile, (size, request.url))
        elif kind == "api" and response.status == 200:
            data = json.loads(response.body())
            if isinstance(data, dict) and data.get("type") == "FeatureCollection":
                features += len(data["features"])
                largest_geojson = max(largest_geojson, (len(data["features"]), request.url))
    return {
        "requests": len(requests),
        "by_kind": by_kind,
        "features": features,
        "largest_geojson": largest_geojson,
        "data_bytes": data_bytes,
        "tiles": tiles,
        "tile_bytes": tile_bytes,
        "largest_tile": largest_tile,
        "slowest": sorted(timings, reverse=True)[:3],
    }


# --- one load of the naive page ---------------------------------------------------------------------------


def load_naive(browser, url: str, *, limit: float, screenshot: Path) -> dict:
    watched = Watched(browser)
    page, rss = watched.page, RssPeak()
    # Bytes of the export as they arrive, from the DevTools protocol: the page itself only sees them once
    # response.json() has read them all.
    download = {"id": None, "bytes": 0, "finished": False, "failed": None}
    cdp = watched.context.new_cdp_session(page)
    cdp.send("Network.enable")

    def sent(event):
        if "/export.geojson" in event["request"]["url"]:
            download["id"] = event["requestId"]

    def received(event):
        if event["requestId"] == download["id"]:
            download["bytes"] += event["dataLength"]

    def finished(event):
        if event["requestId"] == download["id"]:
            download["finished"] = True

    def failed(event):
        if event["requestId"] == download["id"]:
            download["failed"] = event.get("errorText")

    cdp.on("Network.requestWillBeSent", sent)
    cdp.on("Network.dataReceived", received)
    cdp.on("Network.loadingFinished", finished)
    cdp.on("Network.loadingFailed", failed)

    def events() -> dict:
        out = {}
        for text in watched.console:
            if text.startswith("naive "):
                event = json.loads(text[len("naive ") :])
                out[event["what"]] = event
        return out

    started = time.monotonic()
    try:
        page.goto(url, wait_until="commit")
        done_at = None
        while time.monotonic() - started < limit:
            rss.sample()
            seen = events()
            if watched.crashed or "error" in seen:
                break
            if "done" in seen and not watched.pending:
                done_at = done_at or time.monotonic()
                if time.monotonic() - done_at >= QUIET_SECONDS:
                    break
            page.wait_for_timeout(100)
        rss.sample(every=0)
        seen = events()
        result = {
            "finished": "done" in seen and not watched.crashed,
            "crashed": watched.crashed,
            "error": seen.get("error", {}).get("message"),
            "bytes": download["bytes"],
            "downloaded": download["finished"],
            "download_failed": download["failed"],
            "parsed": seen.get("parsed", {}).get("features"),
            "added": seen.get("added", {}).get("features"),
            "wall": time.monotonic() - started,
            "rss": rss.peak,
            "problems": list(watched.problems),
            "requests": len(watched.requests),
        }
        if result["finished"]:
            origin = seen["start"]["origin"]
            ends = [
                r.timing["startTime"] + r.timing["responseEnd"] - origin
                for r in watched.requests
                if r.response() is not None and r.timing.get("responseEnd", -1) >= 0
            ]
            result["seconds"] = max([seen["done"]["t"], *ends]) / 1000
        # The first screenshot rasterises the page (see load_map); it gets what is left of the limit.
        shot_started = time.monotonic()
        try:
            timeout = max(30.0, limit - (shot_started - started))
            page.screenshot(path=screenshot, timeout=timeout * 1000)
            result["screenshot"] = screenshot
            result["shot"] = time.monotonic() - shot_started
        except PlaywrightError as error:
            result["screenshot_error"] = str(error).splitlines()[0]
        result["elapsed"] = time.monotonic() - started
        return result
    finally:
        watched.close()


def naive_progress(result: dict, limit: float) -> str:
    got = f"got {result['bytes'] / 1e6:,.1f} MB"
    if result["downloaded"]:
        got += " (all of it)"
    got += f", {result['added'] or 0:,} features added"
    if result["parsed"] is not None and result["added"] is None:
        got += f"; {result['parsed']:,} parsed, still in L.geoJSON(...)"
    elif result["downloaded"] and result["parsed"] is None and not result["error"]:
        got += "; still in response.json()"
    if result["crashed"]:
        return f"crashed after {result['wall']:.0f} s, renderer out of memory? ({got})"
    if result["error"]:
        failure = f", the export's request: {result['download_failed']}" if result["download_failed"] else ""
        return f"failed after {result['wall']:.0f} s: {result['error']}{failure} ({got})"
    return f"did not finish in {limit:.0f} s ({got})"


# --- report -----------------------------------------------------------------------------------------------


def spread(values: list[float]) -> str:
    if len(values) == 1:
        return f"{values[0]:7.2f} s"
    return f"{statistics.median(values):7.2f} s ({min(values):.2f}–{max(values):.2f})"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("MAP_BENCH_DATABASE_URL", BENCH_DSN))
    parser.add_argument("--division", default="50", help="BBS code of the district's division (Rajshahi)")
    parser.add_argument("--district", default="10", help="BBS code of the district (Bogura)")
    parser.add_argument("--repeat", type=int, default=3, help="loads of each map view; the median is shown")
    parser.add_argument("--naive-limit", type=float, default=180, help="seconds the naive page gets per load")
    parser.add_argument("--map-timeout", type=float, default=120, help="seconds the map gets per load")
    parser.add_argument(
        "--stack",
        choices=("dev", "prod"),
        default="dev",
        help="the server of the timings: runserver (dev, as measured before) or nginx → gunicorn (prod)",
    )
    parser.add_argument("--lighthouse", action="store_true", help="also run Lighthouse on the national map")
    parser.add_argument("--lighthouse-only", action="store_true", help="only Lighthouse, not the timings")
    parser.add_argument("--lighthouse-runs", type=int, default=3, help="Lighthouse runs a preset (median)")
    parser.add_argument("--lighthouse-path", default="/", help="the page Lighthouse loads (e.g. /?lang=bn)")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    if not args.lighthouse_only:
        render_times(args)
    if args.lighthouse or args.lighthouse_only:
        lighthouse(args)


def render_times(args) -> None:
    django_port, naive_port = free_port(), free_port()
    base = f"http://127.0.0.1:{django_port}"
    naive_origin = f"http://127.0.0.1:{naive_port}"
    views = {
        "national": ("/", "/api/v1/enterprises/export.geojson", False),
        "district": (
            f"/?division={args.division}&district={args.district}",
            f"/api/v1/enterprises/export.geojson?district={args.district}",
            True,
        ),
    }

    with tempfile.TemporaryDirectory(prefix="map_bench_") as directory, open(OUT / "server.log", "w") as log:
        Path(directory, "naive.html").write_text(NAIVE_PAGE.format(static=f"{base}/static/"))
        httpd = serve_directory(directory, naive_port)
        if args.stack == "prod":
            server = start_prod(django_port, database_url=args.database_url, cors_origin=naive_origin)
        else:
            server = start_django(
                django_port, database_url=args.database_url, cors_origin=naive_origin, log=log
            )
        try:
            if args.stack == "dev":
                wait_until_answers(f"{base}/", server)
            # Warm the server (first imports, template compilation) and read the totals the panel shows.
            with urllib.request.urlopen(f"{base}/api/v1/stats/?by=size", timeout=300) as response:
                national_total = json.loads(response.read())["total"]["count"]
            with urllib.request.urlopen(f"{base}/api/v1/stats/?district={args.district}", timeout=300) as r:
                district_total = json.loads(r.read())["total"]["count"]
            print(
                f"database {urlparse(args.database_url).path.lstrip('/')}: {national_total:,} enterprises, "
                f"{district_total:,} in district {args.district}; Chromium {VIEWPORT['width']}x"
                f"{VIEWPORT['height']}, {args.repeat} cold loads a map view, "
                f"naive limit {args.naive_limit:.0f} s"
            )
            results = run(args, base, naive_origin, views)
        finally:
            if args.stack == "prod":
                os.killpg(server.pid, signal.SIGTERM)
                server.wait(timeout=60)
            else:
                stop(server)
            httpd.shutdown()
    report(args, results, {"national": national_total, "district": district_total})


def run(args, base: str, naive_origin: str, views: dict) -> dict:
    results = {name: {"map": [], "naive": []} for name in views}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for name, (page_path, _, _) in views.items():
                for run_number in range(args.repeat):
                    last = run_number == args.repeat - 1
                    shot = OUT / f"map-{name}.png" if last else None
                    result = load_map(browser, base + page_path, timeout=args.map_timeout, screenshot=shot)
                    results[name]["map"].append(result)
                    print(f"  map   {name:<8} load {run_number + 1}: {one_line(result)}", flush=True)
            # The national naive page last: it may take the renderer's memory with it.
            for name in reversed(views):
                _, export_path, fit = views[name]
                data = quote(base + export_path, safe="")
                url = f"{naive_origin}/naive.html?data={data}" + ("&fit=1" if fit else "")
                for run_number in range(args.repeat):
                    shot = OUT / f"naive-{name}.png"
                    result = load_naive(browser, url, limit=args.naive_limit, screenshot=shot)
                    results[name]["naive"].append(result)
                    print(f"  naive {name:<8} load {run_number + 1}: {one_line(result)}", flush=True)
                    if not result["finished"] or result["elapsed"] > args.naive_limit / 6:
                        break
        finally:
            browser.close()
    return results


def one_line(result: dict) -> str:
    if not result["finished"]:
        got = f" ({result['bytes'] / 1e6:,.1f} MB received)" if "bytes" in result else ""
        return f"did not finish{got}"
    shot = f"{result['shot']:.2f} s" if "shot" in result else "failed"
    return (
        f"complete in {result['seconds']:.2f} s, first screenshot {shot}, {result['requests']} requests, "
        f"largest Chromium process {result['rss']:,.0f} MB"
    )


def median(results: list[dict], key: str) -> float | None:
    values = [r[key] for r in results if key in r]
    return statistics.median(values) if values else None


def report(args, results: dict, totals: dict) -> None:
    print()
    print(
        f"{'view':<9} {'page':<6} {'complete s, median (min–max)':<28} {'+1st shot s':>11} {'requests':>8} "
        f"{'GeoJSON feat.':>13} {'data MB':>8} {'tiles':>5} {'largest tile':>12} {'RSS MB':>7}"
    )
    ratios = []
    for name, pages in results.items():
        maps = [r for r in pages["map"] if r["finished"]]
        naive = [r for r in pages["naive"] if r["finished"]]
        for page, done in (("map", maps), ("naive", naive)):
            if not done:
                continue
            last = done[-1]
            shot = median(done, "shot")
            tiles = (
                f"{last['tiles']:>5} {last['largest_tile'][0]:>10,} B"
                if page == "map"
                else f"{'–':>5} {'–':>12}"
            )
            print(
                f"{name:<9} {page:<6} {spread([r['seconds'] for r in done]):<28} "
                f"{'–' if shot is None else f'{shot:.2f}':>11} {last['requests']:>8} "
                f"{last['features'] if page == 'map' else last['added']:>13,} "
                f"{(last['data_bytes'] if page == 'map' else last['bytes']) / 1e6:>8,.1f} "
                f"{tiles} {max(r['rss'] for r in done):>7,.0f}"
            )
        if not maps:
            print(f"{name:<9} {'map':<6} did not finish in {args.map_timeout:.0f} s")
        if not naive:
            stuck = pages["naive"][-1]
            progress = naive_progress(stuck, args.naive_limit)
            print(f"{name:<9} {'naive':<6} {progress}; largest Chromium process {stuck['rss']:,.0f} MB")
            ratios.append(f"{name}: naive: {progress}")
        elif maps:
            ratio = median(maps, "seconds") / median(naive, "seconds")
            line = (
                f"{name}: map / naive, complete: {ratio:.3f}x (the naive page takes {1 / ratio:.1f}x as long)"
            )
            if median(naive, "shot") is not None:
                with_pixels = (median(maps, "seconds") + median(maps, "shot")) / (
                    median(naive, "seconds") + median(naive, "shot")
                )
                line += f"; complete + first screenshot: {with_pixels:.3f}x ({1 / with_pixels:.1f}x)"
            ratios.append(line)
    print()
    for line in ratios:
        print(line)

    print()
    for name, pages in results.items():
        maps = [r for r in pages["map"] if r["finished"]]
        if not maps:
            continue
        last = maps[-1]
        budget = "within" if last["features"] <= GEOJSON_FEATURE_BUDGET else "OVER"
        kinds = ", ".join(f"{kind} {count}" for kind, count in sorted(last["by_kind"].items()))
        shown = "– (choropleth)" if last["rendered"] is None else f"{last['rendered']:,}"
        print(
            f"map {name}: zoom {last['zoom']}; enterprises drawn from tiles {shown}; panel total "
            f"{int(last['total'] or 0):,} (API {totals[name]:,}); requests: {kinds}"
        )
        print(
            f"  GeoJSON features asked for: {last['features']:,} ({budget} the budget of "
            f"{GEOJSON_FEATURE_BUDGET:,}); largest GeoJSON answer {last['largest_geojson'][0]:,} features "
            f"({short(last['largest_geojson'][1])})"
        )
        if last["tiles"]:
            print(
                f"  tiles: {last['tiles']} ({last['tile_bytes']:,} bytes); "
                f"largest {last['largest_tile'][0]:,} bytes ({short(last['largest_tile'][1])})"
            )
        slowest = "; ".join(f"{ms / 1000:.2f} s {short(url, 70)}" for ms, url in last["slowest"])
        print(f"  slowest requests: {slowest}")
        print(f"  URL after loading: {short(last['url'], 200)}")
    problems = {
        f"{page} {name}: {problem}"
        for name, pages in results.items()
        for page, runs in pages.items()
        for result in runs
        for problem in result["problems"]
    }
    print("\nfailed requests, HTTP errors and console errors: " + ("none" if not problems else ""))
    for problem in sorted(problems):
        print(f"  {problem[:300]}")

    print("\nscreenshots:")
    for name, pages in results.items():
        for page, runs in pages.items():
            if not runs:
                continue
            result = runs[-1]
            if result.get("screenshot"):
                print(f"  {result['screenshot'].relative_to(ROOT)}")
            elif result.get("screenshot_error"):
                print(f"  {page} {name}: no screenshot ({result['screenshot_error']})")
    print(f"server log: {(OUT / 'server.log').relative_to(ROOT)}")


# --- Lighthouse --------------------------------------------------------------------------------------------


def tail(text: str, lines: int = 6) -> str:
    return " | ".join(line.strip() for line in text.strip().splitlines()[-lines:] if line.strip())


def lighthouse_missing() -> str | None:
    """None once bench/lighthouse's Lighthouse is installed (npm ci there, the first time), else why not."""
    if LIGHTHOUSE_CLI.exists():
        return None
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        return "Node.js or npm is missing (scripts/system.sh installs Debian's nodejs and npm)"
    print("Installing Lighthouse into bench/lighthouse/node_modules (npm ci) …", flush=True)
    done = subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=LIGHTHOUSE_DIR,
        capture_output=True,
        text=True,
    )
    if done.returncode or not LIGHTHOUSE_CLI.exists():
        return f"npm ci in bench/lighthouse failed ({done.returncode}): {tail(done.stderr)}"
    return None


def run_lighthouse(url: str, preset: str, report_path: Path) -> dict:
    """One Lighthouse run in Debian's Chromium: the scores, metrics and opportunities, or why it failed."""
    report_path.unlink(missing_ok=True)
    chrome_flags = " ".join(["--headless=new", *CHROMIUM_ARGS])
    command = [
        "node",
        str(LIGHTHOUSE_CLI),
        url,
        "--only-categories=performance,accessibility",
        "--output=json",
        f"--output-path={report_path}",
        f"--chrome-flags={chrome_flags}",
        "--max-wait-for-load=90000",
        "--quiet",
    ]
    if preset == "desktop":
        command.append("--preset=desktop")  # mobile is Lighthouse's default: a slow 4G phone, 4x CPU
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    except subprocess.TimeoutExpired:
        return {"error": "Lighthouse did not finish in 600 s"}
    if done.returncode or not report_path.exists():
        return {"error": f"Lighthouse exited with {done.returncode}: {tail(done.stderr)}"}
    lhr = json.loads(report_path.read_text())
    if lhr.get("runtimeError"):
        error = lhr["runtimeError"]
        return {"error": f"Lighthouse: {error.get('code')}: {error.get('message')}"}
    audits = lhr["audits"]
    scores = {name: category["score"] for name, category in lhr["categories"].items()}
    if any(score is None for score in scores.values()):
        return {"error": f"Lighthouse gave no score: {scores}; warnings: {lhr.get('runWarnings')}"}
    accessibility_refs = lhr["categories"]["accessibility"]["auditRefs"]
    user_agent = lhr.get("environment", {}).get("hostUserAgent", "")
    return {
        "scores": {name: round(score * 100) for name, score in scores.items()},
        "metrics": {key: audits[key].get("displayValue", "–") for key in LIGHTHOUSE_METRICS},
        "opportunities": {key: audits[key] for key in LIGHTHOUSE_OPPORTUNITIES if key in audits},
        "accessibility_failed": [
            (ref["id"], audits[ref["id"]]["title"])
            for ref in accessibility_refs
            if audits[ref["id"]].get("score") is not None and audits[ref["id"]]["score"] < 1
        ],
        "warnings": lhr.get("runWarnings", []),
        "benchmark_index": lhr.get("environment", {}).get("benchmarkIndex"),
        "version": lhr.get("lighthouseVersion"),
        "browser": next((word for word in user_agent.split() if "Chrome/" in word), "Chromium"),
        "report": report_path,
    }


def lighthouse(args) -> None:
    print("\nLighthouse on the national map (production stack: nginx → gunicorn)")
    missing = lighthouse_missing()
    if missing:
        print(f"  Lighthouse cannot run here: {missing}")
        return
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": args.database_url,
        "GEODB_PROD_RUN_DIR": str(ROOT / "var" / "map_bench" / "prod"),
        "GEODB_BASEMAP_URL": "",  # offline, as for the timings
        "GEODB_API_ANON_RATE": "100000/minute",
        "GEODB_TILES_ANON_RATE": "100000/minute",
        "GEODB_EXPORT_ANON_RATE": "100000/hour",  # the naive page reads the export
    }
    try:
        server = serve_prod(port, env)
    except RuntimeError as error:
        print(f"  Lighthouse not run: the production stack did not start: {error} (var/map_bench/prod/logs/)")
        return
    url = f"http://127.0.0.1:{port}{args.lighthouse_path}"
    results = {}
    try:
        # A first load for the server (imports, templates, the statistics' cache), not measured.
        with contextlib.suppress(urllib.error.URLError, TimeoutError):
            urllib.request.urlopen(url, timeout=300).read()
        for preset in LIGHTHOUSE_PRESETS:
            runs = []
            for number in range(args.lighthouse_runs):
                result = run_lighthouse(url, preset, OUT / f"lighthouse-{preset}-{number + 1}.json")
                runs.append(result)
                if "error" in result:
                    print(f"  {preset} run {number + 1}: {result['error']}", flush=True)
                    break
                print(f"  {preset} run {number + 1}: {result['scores']}", flush=True)
            results[preset] = runs
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)
    lighthouse_report(url, results)


def lighthouse_item(audit_id: str, item: dict) -> str:
    where = short(item.get("url", "?"), 70)
    if audit_id == "uses-long-cache-ttl":
        lifetime = item.get("cacheLifetimeMs", 0) / 1000
        return f"{where} (cached {lifetime:,.0f} s, {item.get('totalBytes', 0):,} B)"
    if audit_id == "total-byte-weight":
        return f"{where} ({item.get('totalBytes', 0):,} B)"
    saved = []
    if item.get("wastedMs"):
        saved.append(f"{item['wastedMs']:,.0f} ms")
    if item.get("wastedBytes"):
        saved.append(f"{item['wastedBytes']:,} B")
    return f"{where} (saves {', '.join(saved) or '–'})"


def lighthouse_report(url: str, results: dict) -> None:
    print(f"\nLighthouse: {url}")
    for preset, runs in results.items():
        failed = [r["error"] for r in runs if "error" in r]
        done = [r for r in runs if "error" not in r]
        if failed:
            print(f"  {preset}: Lighthouse could not run: {failed[0]}")
        if not done:
            continue
        middle = sorted(done, key=lambda r: r["scores"]["performance"])[len(done) // 2]
        performance = [r["scores"]["performance"] for r in done]
        verdicts = ", ".join(
            f"{name} {middle['scores'][name]} (target {'≥ ' if name == 'performance' else ''}{target}: "
            f"{'met' if middle['scores'][name] >= target else 'NOT met'})"
            for name, target in LIGHTHOUSE_TARGETS.items()
        )
        print(
            f"  {preset}: {verdicts}; performance of {len(done)} runs {min(performance)}–{max(performance)}; "
            f"Lighthouse {middle['version']}, {middle['browser']}, "
            f"CPU benchmark index {middle['benchmark_index']}"
        )
        print("    " + ", ".join(f"{key} {value}" for key, value in middle["metrics"].items()))
        for audit_id, audit in middle["opportunities"].items():
            score = audit.get("score")
            mark = "ok" if score is not None and score >= 0.9 else "TO DO"
            print(f"    {audit_id}: {audit.get('displayValue') or '–'} (score {score}, {mark})")
            items = (audit.get("details") or {}).get("items") or []
            for item in items[:6]:
                print(f"      {lighthouse_item(audit_id, item)}")
        failed = ", ".join(f"{audit_id} ({title})" for audit_id, title in middle["accessibility_failed"])
        print(f"    accessibility audits failed: {failed or 'none'}")
        for warning in middle["warnings"]:
            print(f"    warning: {warning[:200]}")
        print(f"    report: {middle['report'].relative_to(ROOT)}")


if __name__ == "__main__":
    main()
