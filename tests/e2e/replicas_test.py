"""Multi-replica test driver (see replicas_test.sh).

balancer ADDR_FILE BACKENDS_FILE LOG_FILE: an HTTP load balancer for Barion's callbacks: each
  POST goes to the next replica's callback listener (round-robin over the host:port lines of
  BACKENDS_FILE, skipping one that refuses the connection); the replica's answer is returned and
  logged ("payment_id status" per line). Writes "http://127.0.0.1:PORT" to ADDR_FILE.
run SANDBOX_HTTP DSN PG_DIR LB_LOG (GRPC PID ADMIN)x3 GEN: the checks, printing what they
  measured. PG_DIR is the database's folder (tools/pg_local.sh), stopped and restarted by the
  outage check.
"""
import http.client
import http.server
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

if sys.argv[1] == "run":
    sys.path.insert(0, sys.argv[-1])
    import grpc  # noqa: E402
    from barion.v1 import payment_event_pb2 as ev  # noqa: E402
    from barion.v1 import payment_event_pb2_grpc as ev_grpc  # noqa: E402
    from barion.v1 import payment_service_pb2 as pb  # noqa: E402
    from barion.v1 import payment_service_pb2_grpc as pb_grpc  # noqa: E402
    from barion.v1 import types_pb2 as types  # noqa: E402


def fail(message):
    print("FAIL:", message, flush=True)
    os._exit(1)


# --- The load balancer ---

def balancer(addr_file, backends_file, log_file):
    lock = threading.Lock()
    state = {"next": 0}
    log = open(log_file, "a", buffering=1)

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            with open(backends_file) as f:
                backends = [line.strip() for line in f if line.strip()]
            status, answer = 502, b"no replica\n"
            for _ in range(len(backends)):
                with lock:
                    backend = backends[state["next"] % len(backends)]
                    state["next"] += 1
                host, port = backend.rsplit(":", 1)
                try:
                    conn = http.client.HTTPConnection(host, int(port), timeout=10)
                    conn.request("POST", self.path, body, {
                        "Content-Type": self.headers.get("Content-Type", "")})
                    reply = conn.getresponse()
                    status, answer = reply.status, reply.read()
                    break
                except OSError:
                    continue  # a dead replica: the next one
            query = urllib.parse.parse_qs(urllib.parse.urlparse(self.path).query)
            payment = query.get("paymentId", [""])[0] or urllib.parse.parse_qs(
                body.decode(errors="replace")).get("PaymentId", [""])[0]
            log.write("%s %d\n" % (payment.replace("-", "").lower(), status))
            self.send_response(status)
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    with open(addr_file + ".tmp", "w") as f:
        f.write("http://127.0.0.1:%d\n" % server.server_address[1])
    os.rename(addr_file + ".tmp", addr_file)
    server.serve_forever()


# --- The checks ---

def control(sandbox, path, body=b"{}", method="POST"):
    req = urllib.request.Request(sandbox + "/_sandbox/" + path, data=body, method=method,
                                 headers={"Content-Type": "application/json"})
    return json.load(urllib.request.urlopen(req))


def sandbox_payments(sandbox):
    return json.load(urllib.request.urlopen(sandbox + "/_sandbox/stats"))["payments"]


def payment_request(request_id, total):
    return pb.StartPaymentRequest(
        payment_type=types.PAYMENT_TYPE_IMMEDIATE, funding_sources=[types.FUNDING_SOURCE_ALL],
        payment_request_id=request_id, currency=types.CURRENCY_HUF,
        transactions=[types.PaymentTransaction(pos_transaction_id="t-" + request_id,
                                               total=str(total))])


def psql(dsn, sql):
    out = subprocess.run(["/usr/lib/postgresql/15/bin/psql", dsn, "-Atc", sql], check=True,
                         capture_output=True, text=True)
    return out.stdout.strip()


class Subscriber(threading.Thread):
    """Follows the event stream from the beginning on one replica; when the stream ends, resumes
    after its last cursor on the next replica that is alive."""

    def __init__(self, name, replicas, first):
        super().__init__(daemon=True)
        self.name, self.replicas, self.at = name, replicas, first
        self.events, self.resumes, self.cursor = [], 0, None
        self.stop = False

    def run(self):
        while not self.stop:
            replica = self.replicas[self.at % len(self.replicas)]
            if not replica["alive"]:
                self.at += 1
                continue
            stub = ev_grpc.PaymentEventServiceStub(replica["channel"])
            request = (ev.SubscribePaymentEventsRequest(after_cursor=self.cursor) if self.cursor
                       else ev.SubscribePaymentEventsRequest(
                           start=ev.SUBSCRIPTION_START_BEGINNING))
            try:
                self.stream = stub.SubscribePaymentEvents(request, timeout=120)
                for message in self.stream:
                    if message.HasField("event"):
                        self.events.append(message.event)
                        self.cursor = message.event.cursor
                    if self.stop:
                        return
            except grpc.RpcError:
                pass
            if self.stop:
                return
            self.resumes += 1
            self.at += 1
            time.sleep(0.05)


def ready(replica):
    try:
        return urllib.request.urlopen("http://%s/readyz" % replica["admin"], timeout=5).status
    except urllib.error.HTTPError as e:
        return e.code


def acknowledged_payments(lb_log):
    acknowledged, refused = set(), 0
    with open(lb_log) as f:
        for line in f:
            payment, status = line.split()
            if status == "200":
                acknowledged.add(payment)
            else:
                refused += 1
    return acknowledged, refused


def run(sandbox, dsn, pg_dir, lb_log, replicas_args):
    replicas = []
    for i in range(0, len(replicas_args), 3):
        channel = grpc.insecure_channel(replicas_args[i])
        replicas.append({"grpc": replicas_args[i], "pid": int(replicas_args[i + 1]),
                         "admin": replicas_args[i + 2], "channel": channel, "alive": True,
                         "stub": pb_grpc.PaymentServiceStub(channel),
                         "events": ev_grpc.PaymentEventServiceStub(channel)})

    # 1. One StartPayment sent to two replicas at once: one Barion payment.
    before = sandbox_payments(sandbox)
    results = [None, None]

    def start(k):
        try:
            results[k] = replicas[k]["stub"].StartPayment(payment_request("twice", 1500),
                                                          timeout=10).payment_id
        except grpc.RpcError as e:
            results[k] = e.code()
            print("StartPayment on replica %d: %s %s" % (k + 1, e.code(), e.details()), flush=True)
    threads = [threading.Thread(target=start, args=(k,)) for k in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    ids = [r for r in results if isinstance(r, str)]
    others = [r for r in results if not isinstance(r, str)]
    if not ids or any(r != grpc.StatusCode.ABORTED for r in others) or len(set(ids)) != 1:
        fail("one request id on two replicas: %s" % results)
    if sandbox_payments(sandbox) != before + 1:
        fail("one request id on two replicas made %d Barion payments"
             % (sandbox_payments(sandbox) - before))
    watched = psql(dsn, "SELECT count(*) FROM watched WHERE lower(replace(payment_id, '-', '')) "
                        "= '%s'" % ids[0].replace("-", "").lower())
    if watched != "1":
        fail("the payment started on two replicas is watched %s times" % watched)
    print("dedup: the same payment_request_id on two replicas at once made one payment (%s)"
          % ", ".join(str(r) for r in results), flush=True)

    # 2. Two subscribers per replica, from the beginning.
    subscribers = [Subscriber("s%d" % n, replicas, n // 2) for n in range(6)]
    for s in subscribers:
        s.start()

    # 3. A burst of payments started round-robin; Barion's PaymentState fails meanwhile, so every
    #    callback is acknowledged and claimed but not processed. Replica 1 is SIGKILLed in the
    #    middle: after the first half of the callbacks, holding claims on some of them; the
    #    second half arrives while it is dead (the balancer passes them to the others).
    control(sandbox, "faults", json.dumps({"mode": "status_503_html", "path_prefix": "/v4/",
                                           "count": 1000000}).encode())
    started = [replicas[n % 3]["stub"].StartPayment(payment_request("burst-%d" % n, 2000 + n),
                                                    timeout=10).payment_id for n in range(30)]
    paid = []

    def pay(payments):
        for payment in payments:
            control(sandbox, "payments/%s/pay" % payment)
            paid.append(payment.replace("-", "").lower())
        deadline = time.time() + 20
        while time.time() < deadline:
            if set(paid) <= acknowledged_payments(lb_log)[0]:
                return
            time.sleep(0.05)
        fail("callbacks not all acknowledged")
    pay(started[:15])
    victim = replicas[0]
    owner = "%%:%d:%%" % victim["pid"]
    deadline = time.time() + 20
    while time.time() < deadline:
        claimed = int(psql(dsn, "SELECT count(*) FROM callbacks WHERE NOT done AND claimed_by "
                                "LIKE '%s' AND claimed_until > now()" % owner))
        if claimed > 0:
            break
        time.sleep(0.1)
    else:
        fail("the replica to be killed claimed no receipt")
    # 4. SIGKILL one replica with its claimed, unprocessed receipts, the burst going on; then
    #    Barion answers again.
    os.kill(victim["pid"], signal.SIGKILL)
    victim["alive"] = False
    killed_at = time.time()
    pay(started[15:])
    control(sandbox, "faults", method="DELETE")
    print("kill: replica 1 killed in a burst of %d callbacks, holding %d claimed receipts; every "
          "callback acknowledged" % (len(paid), claimed), flush=True)

    # 5. Every paid payment reaches SUCCEEDED in the log (the killed replica's claims taken over).
    live = replicas[1]["events"]
    await_succeeded(live, paid, "after the kill")
    took = time.time() - killed_at
    left = psql(dsn, "SELECT count(*) FROM callbacks WHERE NOT done")
    if left != "0":
        fail("%s receipts left unprocessed" % left)
    print("takeover: every acknowledged callback became an event %.1f s after the kill" % took,
          flush=True)

    # 6. Every subscriber saw the whole log once, in the log's order.
    log = check_subscribers(live, subscribers, "after the kill")
    in_log = {e.payment_id.replace("-", "").lower() for e in log}
    resumed = sum(s.resumes > 0 for s in subscribers)
    if resumed < 2:
        fail("the killed replica's subscribers did not resume elsewhere")
    print("subscribers: 6 on 3 replicas each saw all %d events (%d payments) once, in one order; "
          "%d resumed on another replica after the kill" % (len(log), len(in_log), resumed),
          flush=True)

    # 7. PostgreSQL stops for a while: payments started before are paid meanwhile, so their
    #    callbacks arrive during the outage. They are refused (503), never acknowledged
    #    unrecorded, and Barion retries them; /readyz says so; the replicas recover by themselves
    #    and every payment becomes an event.
    survivors = replicas[1:]
    waiting = [survivors[n % 2]["stub"].StartPayment(payment_request("outage-%d" % n, 3000 + n),
                                                     timeout=10).payment_id for n in range(20)]
    resumes_before = sum(s.resumes for s in subscribers)
    subprocess.run(["bash", "tools/pg_local.sh", "stop", pg_dir], check=True)
    stopped_at = time.time()
    not_ready = False
    # A call that needs no store keeps working.
    state = survivors[0]["stub"].GetPaymentState(pb.GetPaymentStateRequest(payment_id=waiting[0]),
                                                 timeout=10)
    if state.status != types.PAYMENT_STATUS_PREPARED:
        fail("GetPaymentState during the outage: %s" % state.status_raw)
    for payment in waiting:
        control(sandbox, "payments/%s/pay" % payment)
        not_ready = not_ready or all(ready(r) == 503 for r in survivors)
        time.sleep(0.1)
    while time.time() < stopped_at + 3:
        not_ready = not_ready or all(ready(r) == 503 for r in survivors)
        time.sleep(0.1)
    _, refused = acknowledged_payments(lb_log)
    subprocess.run(["bash", "tools/pg_local.sh", "restart", pg_dir], check=True,
                   capture_output=True)
    outage = time.time() - stopped_at
    if not not_ready:
        fail("/readyz did not report the database outage")
    if refused == 0:
        fail("no callback was refused during the outage")
    deadline = time.time() + 20
    while time.time() < deadline and any(ready(r) != 200 for r in survivors):
        time.sleep(0.2)
    if any(ready(r) != 200 for r in survivors):
        fail("a replica is not ready again after the database came back")
    await_succeeded(live, [p.replace("-", "").lower() for p in waiting], "after the outage")
    check_subscribers(live, subscribers, "after the outage")
    if sum(s.resumes for s in subscribers) == resumes_before:
        fail("no subscriber's stream was ended by the outage")
    for s in subscribers:
        s.stop = True
    print("outage: PostgreSQL down %.1f s while 20 payments were paid: GetPaymentState served, "
          "%d callbacks refused (503) and retried by Barion, /readyz 503 then 200, every payment "
          "an event; the subscribers resumed without a gap or duplicate" % (outage, refused),
          flush=True)
    os._exit(0)


def whole_log(events):
    return list(events.ListPaymentEvents(ev.ListPaymentEventsRequest(after_cursor="0",
                                                                     page_size=1000),
                                         timeout=10).events)


def await_succeeded(events, paid, when):
    """Waits until every payment of `paid` has a SUCCEEDED event in the log."""
    deadline = time.time() + 60
    while time.time() < deadline:
        done = {e.payment_id.replace("-", "").lower() for e in whole_log(events)
                if e.snapshot.status == types.PAYMENT_STATUS_SUCCEEDED}
        if set(paid) <= done:
            return
        time.sleep(0.2)
    fail("%s, payments without a SUCCEEDED event: %s" % (when, sorted(set(paid) - done)[:5]))


def check_subscribers(events, subscribers, when):
    """Every subscriber has exactly the log's events, in its order; returns the log."""
    time.sleep(1.5)  # and nothing more should come
    log = whole_log(events)
    expected = [e.cursor for e in log]
    deadline = time.time() + 20
    while time.time() < deadline and any(len(s.events) < len(log) for s in subscribers):
        time.sleep(0.1)
    for s in subscribers:
        got = [e.cursor for e in s.events]
        if got != expected:
            fail("%s, subscriber %s: %d events, log %d; first difference at %s" % (
                when, s.name, len(got), len(expected),
                next((k for k, (a, b) in enumerate(zip(got, expected)) if a != b),
                     min(len(got), len(expected)))))
    return log


if __name__ == "__main__":
    if sys.argv[1] == "balancer":
        balancer(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        run(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6:-1])
