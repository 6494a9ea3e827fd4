"""audit_full_test.sh's helper.

fill GRPC GEN: 400 StartPayments one after another, then 5 GetPaymentState reads; prints ok=N,
refused=N (AUDIT_UNAVAILABLE), reads=N. Fails on any other answer, when nothing was refused, or
when a refusal came before an OK (the disk does not empty by itself).
check FILE OK: every line is a whole JSON record; as many StartPayment results with code OK as
were answered OK, each after its intent.
start GRPC GEN: one StartPayment that must succeed.
rotated OLD NEW: both files parse; the new one holds the StartPayment made after the rotation.
"""
import json
import sys


def stub(address, gen):
    sys.path.insert(0, gen)
    import grpc
    from barion.v1 import payment_service_pb2 as pb
    from barion.v1 import payment_service_pb2_grpc as pb_grpc
    from google.rpc import error_details_pb2, status_pb2
    return grpc, pb, pb_grpc.PaymentServiceStub(grpc.insecure_channel(address)), (
        status_pb2, error_details_pb2)


def reason(grpc, rpc_error, protos):
    status_pb2, error_details_pb2 = protos
    for key, value in rpc_error.trailing_metadata() or ():
        if key == "grpc-status-details-bin":
            status = status_pb2.Status.FromString(value)
            for detail in status.details:
                info = error_details_pb2.ErrorInfo()
                if detail.Unpack(info):
                    return info.reason
    return ""


def start(grpc, pb, s, i):
    return s.StartPayment(pb.StartPaymentRequest(
        payment_type=1,
        funding_sources=[1], payment_request_id="full-%d" % i, currency=1,
        transactions=[{"pos_transaction_id": "full-%d-1" % i, "total": "1500"}]), timeout=10)


def lines(path):
    text = open(path, "rb").read().decode()
    assert text == "" or text.endswith("\n"), "%s ends in half a line" % path
    return [json.loads(line) for line in text.splitlines()]


def main():
    mode = sys.argv[1]
    if mode in ("fill", "start"):
        grpc, pb, s, protos = stub(sys.argv[2], sys.argv[3])
        if mode == "start":
            start(grpc, pb, s, 9999)
            return
        ok = refused = 0
        last_id = ""
        for i in range(400):
            try:
                last_id = start(grpc, pb, s, i).payment_id
                if refused:
                    sys.exit("FAIL: start %d answered OK after a refusal" % i)
                ok += 1
            except grpc.RpcError as e:
                why = reason(grpc, e, protos)
                if e.code() != grpc.StatusCode.UNAVAILABLE or why != "AUDIT_UNAVAILABLE":
                    sys.exit("FAIL: start %d: %s %s %s" % (i, e.code(), why, e.details()))
                refused += 1
        if not refused or not ok:
            sys.exit("FAIL: ok=%d refused=%d: the audit log never filled up" % (ok, refused))
        reads = 0
        for _ in range(5):  # reads go on while the audit log is full
            s.GetPaymentState(pb.GetPaymentStateRequest(payment_id=last_id), timeout=10)
            reads += 1
        print("ok=%d\nrefused=%d\nreads=%d" % (ok, refused, reads))
    elif mode == "check":
        records = lines(sys.argv[2])
        intents = {r["trace_id"] for r in records if r["phase"] == "intent"}
        results = [r for r in records if r["phase"] == "result"
                   and r["method"].endswith("/StartPayment") and r.get("code") == "OK"]
        if len(results) != int(sys.argv[3]):
            sys.exit("FAIL: %d OK StartPayment records for %s OK answers"
                     % (len(results), sys.argv[3]))
        if any(r["trace_id"] not in intents for r in results):
            sys.exit("FAIL: a StartPayment reached Barion without an intent record")
        print("audit: %d records, all whole; %d OK starts recorded" % (len(records), len(results)))
    elif mode == "rotated":
        old, new = lines(sys.argv[2]), lines(sys.argv[3])
        if not old:
            sys.exit("FAIL: the rotated file is empty")
        if not any(r["method"].endswith("/StartPayment") and r.get("code") == "OK"
                   and r["phase"] == "result" for r in new):
            sys.exit("FAIL: the call after the rotation is not in the new file: %r" % new)
        print("rotation: %d records in the old file, %d in the new: %s" % (
            len(old), len(new), [(r["phase"], r["method"].split("/")[-1]) for r in new]))


main()
