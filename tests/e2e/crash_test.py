"""Crash test driver (see crash_test.sh).

phase1 GRPC SANDBOX_HTTP: one payment whose event is delivered (prints its cursor), then Barion's
  PaymentState is made to fail so that five more payments' callbacks are acknowledged (200) but
  not yet processed; prints "CURSOR id1 id2 ..." once every callback got its 200.
phase2 GRPC SANDBOX_HTTP CURSOR IDS...: after the restart, a subscriber resuming after CURSOR
  (SubscribePaymentEvents) receives every event after it, in cursor order, each payment once,
  with the Succeeded state; ListPaymentEvents agrees.
"""
import json
import sys
import time
import urllib.request

sys.path.insert(0, sys.argv[-1])

import grpc  # noqa: E402
from barion.v1 import payment_event_pb2 as ev  # noqa: E402
from barion.v1 import payment_event_pb2_grpc as ev_grpc  # noqa: E402
from barion.v1 import payment_service_pb2 as pb  # noqa: E402
from barion.v1 import payment_service_pb2_grpc as pb_grpc  # noqa: E402
from barion.v1 import types_pb2 as types  # noqa: E402


def fail(message):
    print("FAIL:", message)
    sys.exit(1)


def control(sandbox, path, body=b"{}", method="POST"):
    req = urllib.request.Request(sandbox + "/_sandbox/" + path, data=body, method=method,
                                 headers={"Content-Type": "application/json"})
    return json.load(urllib.request.urlopen(req))


def start_and_pay(stub, sandbox, n):
    started = stub.StartPayment(pb.StartPaymentRequest(
        payment_type=types.PAYMENT_TYPE_IMMEDIATE, funding_sources=[types.FUNDING_SOURCE_ALL],
        payment_request_id="crash-%d" % n, currency=types.CURRENCY_HUF,
        transactions=[types.PaymentTransaction(pos_transaction_id="t%d" % n,
                                               total=str(1000 + n))]), timeout=10)
    control(sandbox, "payments/%s/pay" % started.payment_id)
    return started.payment_id


def events_after(events, cursor, ids=()):
    return list(events.ListPaymentEvents(
        ev.ListPaymentEventsRequest(after_cursor=cursor, payment_ids=list(ids)),
        timeout=10).events)


def await_events(events, cursor, count, ids=()):
    deadline = time.time() + 20
    got = []
    while time.time() < deadline:
        got = events_after(events, cursor, ids)
        if len(got) >= count:
            time.sleep(0.5)  # and nothing more should come
            return events_after(events, cursor, ids)
        time.sleep(0.1)
    fail("expected %d events after %s, got %d" % (count, cursor, len(got)))


def phase1(grpc_address, sandbox):
    channel = grpc.insecure_channel(grpc_address)
    stub = pb_grpc.PaymentServiceStub(channel)
    events = ev_grpc.PaymentEventServiceStub(channel)
    first = start_and_pay(stub, sandbox, 0)
    cursor = await_events(events, "0", 1, [first])[-1].cursor
    # Barion's PaymentState now fails: callbacks are acknowledged but cannot be processed.
    control(sandbox, "faults",
            json.dumps({"mode": "status_503_html", "path_prefix": "/v4/",
                        "count": 100000}).encode())
    ids = [start_and_pay(stub, sandbox, n) for n in range(1, 6)]
    deadline = time.time() + 10
    while time.time() < deadline:
        answered = [i for i in ids if any(
            c["http_status"] == 200
            for c in json.load(urllib.request.urlopen(
                sandbox + "/_sandbox/callbacks?paymentId=" + i)))]
        if len(answered) == len(ids):
            break
        time.sleep(0.02)
    else:
        fail("the gateway did not acknowledge every callback")
    if events_after(events, cursor):
        fail("events appeared although Barion's PaymentState was failing")
    print(cursor, *ids)


def subscribe_after(events, cursor, count):
    """The first `count` events of a subscription resumed after `cursor`."""
    stream = events.SubscribePaymentEvents(ev.SubscribePaymentEventsRequest(after_cursor=cursor),
                                           timeout=30)
    got = []
    for message in stream:
        if message.HasField("event"):
            got.append(message.event)
            if len(got) == count:
                stream.cancel()
                return got
    fail("the subscription ended after %d of %d events" % (len(got), count))


def phase2(grpc_address, sandbox, cursor, ids):
    events = ev_grpc.PaymentEventServiceStub(grpc.insecure_channel(grpc_address))
    got = subscribe_after(events, cursor, len(ids))
    listed = await_events(events, cursor, len(ids))
    if [e.cursor for e in listed] != [e.cursor for e in got]:
        fail("the subscription and the listing differ: %s vs %s"
             % ([e.cursor for e in got], [e.cursor for e in listed]))
    if sorted(e.payment_id for e in got) != sorted(ids):
        fail("events after the restart: %s, expected each of %s once"
             % ([e.payment_id for e in got], ids))
    cursors = [int(e.cursor) for e in got]
    if cursors != sorted(cursors) or len(set(cursors)) != len(cursors):
        fail("cursors out of order or repeated: %s" % cursors)
    for e in got:
        if e.snapshot.status != types.PAYMENT_STATUS_SUCCEEDED:
            fail("payment %s: %s" % (e.payment_id, e.snapshot.status_raw))
        if e.source != ev.EVENT_SOURCE_CALLBACK:
            fail("payment %s: source %s" % (e.payment_id, e.source))
    print("crash test: %d acknowledged callbacks survived SIGKILL; a resumed subscriber got each once"
          % len(ids))


if __name__ == "__main__":
    if sys.argv[1] == "phase1":
        phase1(sys.argv[2], sys.argv[3])
    else:
        phase2(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:-1])
