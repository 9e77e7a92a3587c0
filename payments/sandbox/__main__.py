"""``python -m payments.sandbox --port 8001 --store-id bscicdemo --store-passwd bscicdemo@ssl``"""

import argparse
import signal

from .server import Config, make_server


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m payments.sandbox", description="A local SSLCommerz v4 gateway."
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001, help="0: a free port, printed when ready")
    parser.add_argument("--store-id", default="bscicdemo")
    parser.add_argument("--store-passwd", default="bscicdemo@ssl")
    parser.add_argument(
        "--public-url", default="", help="base URL in GatewayPageURL (default http://host:port)"
    )
    parser.add_argument(
        "--session-ttl", type=float, default=1800.0, help="seconds a payment page stays usable"
    )
    parser.add_argument(
        "--ipn-delay", type=float, default=0.0, help="delay of the delayed_ipn scenario (0: 3 s)"
    )
    parser.add_argument("--ipn-retry-delay", type=float, default=5.0, help="wait before the one IPN retry")
    parser.add_argument("--quiet", action="store_true", help="log nothing per call")
    args = parser.parse_args(argv)
    config = Config(
        store_id=args.store_id,
        store_passwd=args.store_passwd,
        host=args.host,
        port=args.port,
        public_url=args.public_url,
        session_ttl=args.session_ttl,
        ipn_delay=args.ipn_delay,
        ipn_retry_delay=args.ipn_retry_delay,
        quiet=args.quiet,
    )
    server, _gateway = make_server(config)

    def stop(signum, frame):
        raise KeyboardInterrupt

    # Also SIGINT: a shell starts background jobs with it ignored, and `kill -INT` should still stop us.
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    host, port = server.server_address[:2]
    print(f"SSLCommerz sandbox listening on http://{host}:{port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
