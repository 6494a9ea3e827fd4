"""reload_test.sh's client: GRPC TOKEN EXPECTED GEN_DIR. Calls GetPaymentState with the bearer
token; EXPECTED "passed" means the call got through authentication and authorization (Barion
then says the payment does not exist), else the gRPC code name it must fail with."""
import sys

sys.path.insert(0, sys.argv[4])

import grpc  # noqa: E402
from barion.v1 import payment_service_pb2 as pb  # noqa: E402
from barion.v1 import payment_service_pb2_grpc as pb_grpc  # noqa: E402

address, token, expected = sys.argv[1], sys.argv[2], sys.argv[3]
stub = pb_grpc.PaymentServiceStub(grpc.insecure_channel(address))
try:
    stub.GetPaymentState(pb.GetPaymentStateRequest(payment_id="4f1d2c3b5a6e47c8b9d0e1f2a3b4c5d6"),
                         metadata=[("authorization", "Bearer " + token)], timeout=10)
    code = "OK"
except grpc.RpcError as e:
    code = e.code().name
got_through = code not in ("UNAUTHENTICATED", "PERMISSION_DENIED", "UNAVAILABLE")
if (expected == "passed") != got_through or (expected != "passed" and code != expected):
    print("FAIL: expected %s, got %s" % (expected, code))
    sys.exit(1)
