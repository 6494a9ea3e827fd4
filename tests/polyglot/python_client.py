"""A Python microservice calling the gateway with stubs generated from proto/ (Debian's grpcio).

Usage: python_client.py GRPC_ADDRESS SANDBOX_HTTP_URL GENERATED_DIR
"""
import json
import sys
import urllib.request

sys.path.insert(0, sys.argv[3])

import grpc  # noqa: E402
from barion.v1 import payment_service_pb2 as pb  # noqa: E402
from barion.v1 import payment_service_pb2_grpc as pb_grpc  # noqa: E402
from barion.v1 import types_pb2 as types  # noqa: E402
from google.rpc import error_details_pb2, status_pb2  # noqa: E402
from health.v1 import health_pb2, health_pb2_grpc  # noqa: E402


def check(condition, message):
    if not condition:
        print("FAIL:", message)
        sys.exit(1)


def main():
    address, sandbox, _ = sys.argv[1:4]
    channel = grpc.insecure_channel(address)
    stub = pb_grpc.PaymentServiceStub(channel)
    health = health_pb2_grpc.HealthStub(channel).Check(
        health_pb2.HealthCheckRequest(service="barion.v1.PaymentService"), timeout=10)
    check(health.status == health_pb2.HealthCheckResponse.SERVING, "health: %s" % health)

    request = pb.StartPaymentRequest(
        payment_type=types.PAYMENT_TYPE_IMMEDIATE,
        funding_sources=[types.FUNDING_SOURCE_ALL],
        payment_request_id="py-1",
        currency=types.CURRENCY_EUR,
        redirect_url="https://shop.example/return",
        transactions=[types.PaymentTransaction(
            pos_transaction_id="py-tx-1", total="0.10",
            items=[types.Item(name="Tea", description="Green tea", quantity="1", unit="cup",
                              unit_price="0.10", item_total="0.10")])])
    started = stub.StartPayment(request, timeout=10)
    check(started.status == types.PAYMENT_STATUS_PREPARED, "prepared: %s" % started)
    check("/Pay?Id=%s" % started.payment_id in started.gateway_url, "gateway url")

    pay = urllib.request.Request(
        "%s/_sandbox/payments/%s/pay" % (sandbox, started.payment_id), data=b"{}",
        headers={"Content-Type": "application/json"}, method="POST")
    check(json.load(urllib.request.urlopen(pay))["result"] == "Succeeded", "payer paid")

    state = stub.GetPaymentState(pb.GetPaymentStateRequest(payment_id=started.payment_id),
                                 timeout=10)
    check(state.status == types.PAYMENT_STATUS_SUCCEEDED, "succeeded: %s" % state.status_raw)
    check(state.total == "0.10", "exact amount, got %r" % state.total)

    # HUF with decimals: INVALID_ARGUMENT with a google.rpc.BadRequest naming the field.
    request.currency = types.CURRENCY_HUF
    try:
        stub.StartPayment(request, timeout=10)
        check(False, "HUF 0.10 must be rejected")
    except grpc.RpcError as error:
        check(error.code() == grpc.StatusCode.INVALID_ARGUMENT, "code %s" % error.code())
        details = dict(error.trailing_metadata()).get("grpc-status-details-bin")
        check(details is not None, "rich error details present")
        status = status_pb2.Status.FromString(details)
        bad = error_details_pb2.BadRequest()
        check(status.details[0].Unpack(bad), "BadRequest detail")
        fields = [v.field for v in bad.field_violations]
        check("transactions[0].total" in fields, "field named: %s" % fields)

    # Unknown payment: NOT_FOUND with Barion's ErrorCode as the ErrorInfo reason.
    try:
        stub.GetPaymentState(pb.GetPaymentStateRequest(payment_id="0" * 32), timeout=10)
        check(False, "unknown payment must fail")
    except grpc.RpcError as error:
        check(error.code() == grpc.StatusCode.NOT_FOUND, "code %s" % error.code())
        status = status_pb2.Status.FromString(
            dict(error.trailing_metadata())["grpc-status-details-bin"])
        info = error_details_pb2.ErrorInfo()
        check(status.details[0].Unpack(info), "ErrorInfo detail")
        check(info.reason == "NotExistingPaymentId" and info.domain == "barion.com",
              "reason %s/%s" % (info.domain, info.reason))
    print("python client: ok")


if __name__ == "__main__":
    main()
