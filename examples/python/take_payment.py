"""Take a payment through barion-grpc-gateway, from Python (Debian's python3-grpcio).

Starts a payment, plays the payer through the local sandbox's control API, waits on the
payment-event stream until the payment has Succeeded, and shows the structured details of a
request the gateway refuses. Stubs are generated from proto/, with google/rpc's status and
error details:

    python3 -m grpc_tools.protoc -Iproto -I<folder with google/rpc> --python_out=gen \\
        --grpc_python_out=gen proto/barion/v1/*.proto google/rpc/status.proto \\
        google/rpc/error_details.proto

Usage: take_payment.py GRPC_ADDRESS SANDBOX_HTTP_URL GENERATED_DIR

Connection, as the gateway's callers need it (docs/SECURITY.md), from the environment:
BARION_GATEWAY_CA (the CA of the gateway's certificate: TLS), BARION_GATEWAY_CERT and
BARION_GATEWAY_KEY (a client certificate: mTLS), BARION_GATEWAY_SERVER_NAME (the name on the
gateway's certificate, when not the address's host), BARION_GATEWAY_TOKEN_FILE (a bearer token).
None set: plaintext, for a gateway on this machine without callers.
"""
import json
import os
import sys
import threading
import urllib.request

sys.path.insert(0, sys.argv[3])

import grpc  # noqa: E402
from barion.v1 import payment_event_pb2 as ev  # noqa: E402
from barion.v1 import payment_event_pb2_grpc as ev_grpc  # noqa: E402
from barion.v1 import payment_service_pb2 as pb  # noqa: E402
from barion.v1 import payment_service_pb2_grpc as pb_grpc  # noqa: E402
from barion.v1 import types_pb2 as types  # noqa: E402
from google.rpc import error_details_pb2, status_pb2  # noqa: E402


def read(variable):
    path = os.environ.get(variable)
    if not path:
        return None
    with open(path, "rb") as f:
        return f.read()


def connect(address):
    """The channel and the call metadata the environment describes."""
    metadata = []
    token = read("BARION_GATEWAY_TOKEN_FILE")
    if token:
        metadata.append(("authorization", "Bearer " + token.decode().strip()))
    ca, cert, key = (read("BARION_GATEWAY_CA"), read("BARION_GATEWAY_CERT"),
                     read("BARION_GATEWAY_KEY"))
    if not (ca or cert):
        return grpc.insecure_channel(address), metadata
    credentials = grpc.ssl_channel_credentials(root_certificates=ca, private_key=key,
                                               certificate_chain=cert)
    options = []
    if os.environ.get("BARION_GATEWAY_SERVER_NAME"):
        options.append(("grpc.ssl_target_name_override", os.environ["BARION_GATEWAY_SERVER_NAME"]))
    return grpc.secure_channel(address, credentials, options), metadata


def coffee(request_id, total):
    return pb.StartPaymentRequest(
        payment_type=types.PAYMENT_TYPE_IMMEDIATE,
        funding_sources=[types.FUNDING_SOURCE_ALL],
        payment_request_id=request_id,
        currency=types.CURRENCY_HUF,
        transactions=[types.PaymentTransaction(
            pos_transaction_id=request_id + "-1", total=total,
            items=[types.Item(name="Coffee", description="Flat white", quantity="1", unit="cup",
                              unit_price=total, item_total=total)])])


def explain(error):
    """Prints what a refused call's status carries: its code, then each detail the gateway
    attached (branch on these, never on the message text)."""
    print("refused: %s: %s" % (error.code().name, error.details()))
    details = dict(error.trailing_metadata() or ()).get("grpc-status-details-bin")
    if not details:
        return
    for detail in status_pb2.Status.FromString(details).details:
        bad, info = error_details_pb2.BadRequest(), error_details_pb2.ErrorInfo()
        if detail.Unpack(bad):
            for v in bad.field_violations:
                print("  bad field %s: %s" % (v.field, v.description))
        elif detail.Unpack(info):
            print("  reason %s (%s) %s" % (info.reason, info.domain, dict(info.metadata)))
        else:
            print("  detail %s" % detail.type_url)


def main():
    address, sandbox, _ = sys.argv[1:4]
    channel, metadata = connect(address)
    payments = pb_grpc.PaymentServiceStub(channel)
    events = ev_grpc.PaymentEventServiceStub(channel)

    # 1. Subscribe first, so that no event is missed; the first message confirms the stream.
    stream = events.SubscribePaymentEvents(ev.SubscribePaymentEventsRequest(), timeout=60,
                                           metadata=metadata)
    first = next(stream)
    assert first.HasField("heartbeat"), first

    # 2. Start a payment of 1500 HUF.
    request_id = "example-python-%d" % os.getpid()
    started = payments.StartPayment(coffee(request_id, "1500"), timeout=10, metadata=metadata)
    print("started", started.payment_id, "pay at", started.gateway_url)

    # 3. The payer pays (in real life: in the browser, at gateway_url).
    urllib.request.urlopen(urllib.request.Request(
        "%s/_sandbox/payments/%s/pay" % (sandbox, started.payment_id), data=b"{}",
        headers={"Content-Type": "application/json"}, method="POST"))

    # 4. Wait for the Succeeded event of this payment.
    done = threading.Timer(30, stream.cancel)
    done.start()
    for message in stream:
        if not message.HasField("event") or message.event.payment_id != started.payment_id:
            continue
        snapshot = message.event.snapshot
        print("event", message.event.cursor, types.PaymentStatus.Name(snapshot.status),
              snapshot.total, snapshot.currency_raw)
        if snapshot.status == types.PAYMENT_STATUS_SUCCEEDED:
            done.cancel()
            stream.cancel()
            print("python example: payment succeeded")
            break
    else:
        sys.exit("python example: no Succeeded event")

    # 5. A request the gateway refuses: forints have no decimals.
    try:
        payments.StartPayment(coffee(request_id + "-bad", "1500.50"), timeout=10,
                              metadata=metadata)
        sys.exit("python example: a HUF amount with decimals was accepted")
    except grpc.RpcError as error:
        explain(error)
        print("python example: invalid request refused with its details")


if __name__ == "__main__":
    main()
