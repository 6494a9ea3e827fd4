"""Webhook crash test driver (see webhook_crash_test.sh).

receiver PORT_FILE LOG [HOLD_AFTER RELEASE_FILE]: an HTTP receiver on loopback that appends each
  delivery (webhook-id, cursor, payment id, time) to LOG as a JSON line and answers 204 after
  30 ms; writes its port to PORT_FILE. With HOLD_AFTER, every request after the first HOLD_AFTER
  is held, unanswered and unlogged, until RELEASE_FILE exists: so deliveries are in flight when
  the gateway is killed, by construction rather than by the machine's speed.
drive GRPC SANDBOX_HTTP N GEN: N payments started and paid; returns once the log has their N
  events.
received LOG: prints how many deliveries LOG holds.
check GRPC LOG GEN [HEALTHY_UNTIL]: waits until every event of the log was received, then checks:
  nothing missing; an event received more than once always with the same webhook-id; per
  payment, the first receipts in log order; and no event received twice before HEALTHY_UNTIL
  (Unix seconds: while every replica was alive, each event went out once).
"""
import http.server
import json
import os
import sys
import threading
import time
import urllib.request


def fail(message):
    print("FAIL:", message)
    sys.exit(1)


def receiver(port_file, log, hold_after=None, release_file=None):
    lock = threading.Lock()
    seen = [0]

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            data = json.loads(body).get("data", {})
            with lock:
                seen[0] += 1
                held = hold_after is not None and seen[0] > hold_after
            while held and not os.path.exists(release_file):
                time.sleep(0.01)
            time.sleep(0.03)
            with lock, open(log, "a") as f:
                f.write(json.dumps({"id": self.headers["webhook-id"], "cursor": data.get("cursor"),
                                    "payment": data.get("paymentId"), "at": time.time()}) + "\n")
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    with open(port_file + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(port_file + ".tmp", port_file)
    server.serve_forever()


def stubs(gen):
    sys.path.insert(0, gen)
    import grpc
    from barion.v1 import payment_event_pb2 as ev
    from barion.v1 import payment_event_pb2_grpc as ev_grpc
    from barion.v1 import payment_service_pb2 as pb
    from barion.v1 import payment_service_pb2_grpc as pb_grpc
    from barion.v1 import types_pb2 as types
    return grpc, ev, ev_grpc, pb, pb_grpc, types


def all_events(ev, events):
    out, cursor = [], "0"
    while True:
        page = list(events.ListPaymentEvents(ev.ListPaymentEventsRequest(after_cursor=cursor),
                                             timeout=10).events)
        if not page:
            return out
        out += page
        cursor = page[-1].cursor


def drive(grpc_address, sandbox, n, gen):
    grpc, ev, ev_grpc, pb, pb_grpc, types = stubs(gen)
    channel = grpc.insecure_channel(grpc_address)
    payments = pb_grpc.PaymentServiceStub(channel)
    events = ev_grpc.PaymentEventServiceStub(channel)
    for i in range(n):
        started = payments.StartPayment(pb.StartPaymentRequest(
            payment_type=types.PAYMENT_TYPE_IMMEDIATE, funding_sources=[types.FUNDING_SOURCE_ALL],
            payment_request_id="hook-%d" % i, currency=types.CURRENCY_HUF,
            transactions=[types.PaymentTransaction(pos_transaction_id="t%d" % i,
                                                   total=str(1000 + i))]), timeout=10)
        req = urllib.request.Request(sandbox + "/_sandbox/payments/%s/pay" % started.payment_id,
                                     data=b"{}", method="POST",
                                     headers={"Content-Type": "application/json"})
        urllib.request.urlopen(req).read()
    deadline = time.time() + 30
    while len(all_events(ev, events)) < n and time.time() < deadline:
        time.sleep(0.05)
    if len(all_events(ev, events)) < n:
        fail("the log did not get %d events" % n)


def order(cursor):
    """A cursor's place in the log: "low" (SQLite) or "high.low" (PostgreSQL)."""
    high, _, low = cursor.rpartition(".")
    return (int(high or 0), int(low))


def read(log):
    try:
        with open(log) as f:
            return [json.loads(line) for line in f if line.strip()]
    except FileNotFoundError:
        return []


def check(grpc_address, log, gen, healthy_until=0.0):
    grpc, ev, ev_grpc, pb, pb_grpc, types = stubs(gen)
    events = ev_grpc.PaymentEventServiceStub(grpc.insecure_channel(grpc_address))
    logged = all_events(ev, events)
    wanted = {e.cursor: e.payment_id for e in logged}
    deadline = time.time() + 30
    got = read(log)
    while not set(wanted) <= {r["cursor"] for r in got} and time.time() < deadline:
        time.sleep(0.1)
        got = read(log)
    missing = set(wanted) - {r["cursor"] for r in got}
    if missing:
        fail("%d events never arrived: %s" % (len(missing), sorted(missing)[:5]))
    ids = {}
    for r in got:
        if ids.setdefault(r["cursor"], r["id"]) != r["id"]:
            fail("event %s arrived with two webhook-ids" % r["cursor"])
    first = {}
    for r in got:
        first.setdefault(r["cursor"], r)
    per_payment = {}
    for cursor, r in sorted(first.items(), key=lambda kv: kv[1]["at"]):
        per_payment.setdefault(r["payment"], []).append(order(cursor))
    for payment, cursors in per_payment.items():
        if cursors != sorted(cursors):
            fail("payment %s's events arrived out of order" % payment)
    healthy = [r["cursor"] for r in got if r["at"] < healthy_until]
    if len(healthy) != len(set(healthy)):
        fail("an event was delivered twice while every replica was alive")
    repeats = len(got) - len(first)
    print("webhook crash: %d events, all arrived, %d repeated after the kill with the same id"
          % (len(wanted), repeats))


if __name__ == "__main__":
    role = sys.argv[1]
    if role == "receiver":
        receiver(sys.argv[2], sys.argv[3],
                 int(sys.argv[4]) if len(sys.argv) > 4 else None,
                 sys.argv[5] if len(sys.argv) > 5 else None)
    elif role == "drive":
        drive(sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5])
    elif role == "received":
        print(len(read(sys.argv[2])))
    elif role == "check":
        check(sys.argv[2], sys.argv[3], sys.argv[4],
              float(sys.argv[5]) if len(sys.argv) > 5 else 0.0)
