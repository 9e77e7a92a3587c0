"""A local SMS gateway of ours for the tests and the demo: it speaks what ``sms.backends.http`` sends.

It takes a form (or JSON) POST of ``api_key``, ``senderid``, ``number``, ``message``, records the message
and answers as BulkSMSBD does (``{"response_code": 202, …}``). It can be told to fail (an HTTP status, or a
gateway ``response_code`` with HTTP 200) or to answer late, so the tests see the backend's timeouts over real
HTTP. Run alone: ``python -m sms.sandbox --port 18100 --api-key demo`` prints each message it receives.
"""

import argparse
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

FIELDS = ("api_key", "senderid", "number", "message")


@dataclass
class SmsSandbox:
    api_key: str = "sandbox-key"
    host: str = "127.0.0.1"
    port: int = 0  # 0: a free port chosen by the system
    messages: list[dict] = field(default_factory=list)
    # What the next requests get: an HTTP status other than 200, a gateway code other than 202, a delay.
    fail_status: int | None = None
    fail_code: int | None = None
    delay_seconds: float = 0.0
    echo: bool = False

    def __post_init__(self):
        self._server = None
        self._thread = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self._server.server_address[1]}/api/smsapi"

    def start(self) -> "SmsSandbox":
        sandbox = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode("utf-8")
                if (self.headers.get("Content-Type") or "").startswith("application/json"):
                    form = json.loads(body or "{}")
                else:
                    form = {k: v[0] for k, v in parse_qs(body, keep_blank_values=True).items()}
                sandbox._answer(self, form)

            def log_message(self, format, *args):  # the test output stays quiet
                pass

        self._server = ThreadingHTTPServer((self.host, self.port), Handler)
        self._server.daemon_threads = True
        # stop() waits for serve_forever to look at its flag, once every poll_interval (0.5 s by default).
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="sms-sandbox", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)
            self._server = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def _answer(self, handler: BaseHTTPRequestHandler, form: dict) -> None:
        if self.delay_seconds:
            time.sleep(self.delay_seconds)
        if self.fail_status:
            self._reply(handler, self.fail_status, {"error_message": "sandbox told to fail"})
            return
        missing = [name for name in FIELDS if not form.get(name)]
        if missing:
            self._reply(
                handler, 200, {"response_code": 1003, "error_message": f"missing {', '.join(missing)}"}
            )
            return
        if form["api_key"] != self.api_key:
            self._reply(handler, 200, {"response_code": 1011, "error_message": "unknown api key"})
            return
        if self.fail_code:
            self._reply(
                handler, 200, {"response_code": self.fail_code, "error_message": "sandbox told to refuse"}
            )
            return
        self.messages.append({name: form[name] for name in FIELDS})
        if self.echo:
            print(f"SMS to {form['number']} from {form['senderid']}:\n{form['message']}\n", flush=True)
        self._reply(
            handler,
            200,
            {
                "response_code": 202,
                "message_id": len(self.messages),
                "success_message": "SMS Submitted Successfully",
            },
        )

    @staticmethod
    def _reply(handler: BaseHTTPRequestHandler, status: int, answer: dict) -> None:
        body = json.dumps(answer).encode()
        try:
            handler.send_response(status)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            handler.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting (a timeout test)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=18100)
    parser.add_argument("--api-key", default="sandbox-key")
    args = parser.parse_args()
    sandbox = SmsSandbox(api_key=args.api_key, port=args.port, echo=True).start()
    print(f"SMS sandbox at {sandbox.url} (api key {args.api_key!r}); Ctrl-C stops it.", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        sandbox.stop()


if __name__ == "__main__":
    main()
