"""gunicorn for the BSCIC industry GIS, behind nginx (deploy/nginx/). Used by deploy/systemd/geodb-web.service
and scripts/serve_prod.sh; everything host-specific comes from the environment (deploy/geodb.env.example).

Threaded workers (gthread): a request mostly waits on PostGIS, and a streamed export of a million rows
holds its thread, not a whole process, while the worker's main loop keeps answering gunicorn's heartbeat.
"""

import multiprocessing
import os

wsgi_app = "geodb.wsgi:application"
bind = os.environ.get("GEODB_WEB_BIND", "unix:/run/geodb/gunicorn.sock")
workers = int(os.environ.get("GEODB_WEB_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "gthread"
threads = int(os.environ.get("GEODB_WEB_THREADS", 4))
# Each thread keeps its own database connection (CONN_MAX_AGE): workers × threads of them.
# A worker whose main loop is stuck this long is replaced; requests themselves may run longer.
timeout = 60
graceful_timeout = 30
keepalive = 5  # nginx keeps upstream connections open (keepalive in the upstream block)
# Pandas and GDAL (exports, imports) do not always give memory back: recycle workers now and then.
max_requests = 2000
max_requests_jitter = 200
# The socket is for nginx only: its group (www-data is added to the service's group) and the owner.
umask = 0o007
worker_tmp_dir = "/dev/shm"
# gunicornc's control socket beside the web socket (its default is in $HOME, which the service cannot write).
if bind.startswith("unix:"):
    control_socket = os.path.join(os.path.dirname(bind.removeprefix("unix:")), "gunicorn.ctl")
else:
    control_socket_disable = True
accesslog = "-"
errorlog = "-"
access_log_format = '%({x-forwarded-for}i)s "%(r)s" %(s)s %(B)s %(M)sms "%(a)s"'
proc_name = "geodb-web"
