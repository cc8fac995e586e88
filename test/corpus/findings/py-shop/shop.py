"""A small Flask shop traced by the OpenTelemetry Python SDK (Flask, sqlite3 and requests instrumented), with one
endpoint per planted performance problem. FINDINGS_VARIANT=clean serves the same endpoints without the problems.
Runs on a free loopback port and prints it; SIGTERM stops it and flushes the spans."""
import os
import signal
import sqlite3
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import requests
from flask import Flask, request
from opentelemetry import context, trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.instrumentation.flask import FlaskInstrumentor
from opentelemetry.instrumentation.requests import RequestsInstrumentor
from opentelemetry.instrumentation.sqlite3 import SQLite3Instrumentor
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from werkzeug.serving import make_server

PLANTED = os.environ.get("FINDINGS_VARIANT") != "clean"
provider = TracerProvider(resource=Resource.create({"service.name": "py-shop"}))
provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(), schedule_delay_millis=200))
trace.set_tracer_provider(provider)
SQLite3Instrumentor().instrument()
RequestsInstrumentor().instrument()
tracer = trace.get_tracer("py-shop")

DB = os.path.join(tempfile.mkdtemp(), "shop.db")
with sqlite3.connect(DB) as setup:
    setup.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT, price REAL)")
    setup.executemany("INSERT INTO items VALUES (?, ?, ?)", [(i, f"item {i}", i * 1.5) for i in range(1, 9)])
    setup.execute("CREATE TABLE stock (item INTEGER PRIMARY KEY, n INTEGER)")
    setup.execute("INSERT INTO stock VALUES (7, 100)")

app = Flask(__name__)
FlaskInstrumentor().instrument_app(app)
base = ""
stock_lock = threading.Lock()  # the stock row's lock: the planted contention holds it while a request wants it
flaky_lock = threading.Lock()
flaky_count = {}


def in_context(fn):
    """Runs fn in a worker thread under the caller's trace context (threads do not inherit it)."""
    ctx = context.get_current()

    def run(*args):
        token = context.attach(ctx)
        try:
            return fn(*args)
        finally:
            context.detach(token)
    return run


@app.get("/n1")
def n1():
    # the instrumentation traces statements run through a cursor
    conn = sqlite3.connect(DB)
    cur = conn.cursor()
    if PLANTED:
        names = []
        for i in range(1, 9):
            cur.execute(f"SELECT name, price FROM items WHERE id = {i}")
            names.append(cur.fetchone()[0])
    else:
        cur.execute("SELECT name, price FROM items WHERE id IN (1, 2, 3, 4, 5, 6, 7, 8)")
        names = [r[0] for r in cur.fetchall()]
    conn.close()
    return {"items": names}


@app.get("/fanout")
def fanout():
    paths = [f"{base}/svc/{n}" for n in ("price", "stock", "tax", "shipping")]
    if PLANTED:
        codes = [requests.get(p).status_code for p in paths]
    else:
        with ThreadPoolExecutor(4) as ex:
            codes = list(ex.map(in_context(lambda p: requests.get(p).status_code), paths))
    return {"codes": codes}


@app.get("/locked")
def locked():
    if PLANTED:
        held = threading.Event()

        def other_transaction():
            with stock_lock:
                held.set()
                time.sleep(0.06)
        threading.Thread(target=other_transaction).start()
        held.wait()
    with tracer.start_as_current_span("reserve stock") as span:
        if not stock_lock.acquire(blocking=False):
            span.add_event("Waiting for lock behind 1 transaction", {"db.lock": "stock row 7"})
            stock_lock.acquire()
            span.add_event("lock acquired")
        try:
            conn = sqlite3.connect(DB)
            conn.cursor().execute("UPDATE stock SET n = n - 1 WHERE item = 7")
            conn.commit()
            conn.close()
        finally:
            stock_lock.release()
    return {"ok": True}


@app.get("/retry")
def retry():
    key = request.args.get("key", "")
    delay = 0.02
    for _ in range(4):
        if requests.get(f"{base}/flaky?key={key}").status_code == 200:
            break
        time.sleep(delay)
        delay *= 2
    return {"ok": True}


@app.get("/pool")
def pool():
    with ThreadPoolExecutor(3 if PLANTED else 9) as ex:
        codes = list(ex.map(in_context(lambda i: requests.get(f"{base}/work/{i}").status_code), range(1, 10)))
    return {"codes": codes}


@app.get("/svc/<name>")
def svc(name):
    time.sleep(0.03)
    return {"name": name}


@app.get("/work/<int:i>")
def work(i):
    time.sleep(0.03)
    return {"i": i}


@app.get("/flaky")
def flaky():
    key = request.args.get("key", "")
    with flaky_lock:
        n = flaky_count.get(key, 0)
        flaky_count[key] = n + 1
    time.sleep(0.005)
    if PLANTED and n < 2:
        return {"error": "dependency overloaded"}, 503
    return {"ok": True}


def main() -> None:
    global base
    server = make_server("127.0.0.1", 0, app, threaded=True)
    base = f"http://127.0.0.1:{server.port}"

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
