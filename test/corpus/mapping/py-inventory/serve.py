"""Runs the inventory service on a free loopback port and prints it; SIGTERM stops it and flushes the spans."""
import signal
import sys
import tempfile
import os

from werkzeug.serving import make_server

from inventory import create_app
from inventory import telemetry


def main() -> None:
    provider = telemetry.setup()
    app = create_app(os.path.join(tempfile.mkdtemp(), "inventory.db"))
    telemetry.instrument(app)
    server = make_server("127.0.0.1", 0, app, threaded=True)

    def stop(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    print(f"listening on {server.port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        provider.shutdown()
    sys.exit(0)


if __name__ == "__main__":
    main()
