"""The end-to-end tests that run the real gateway and sandbox as processes and drive them from Python.

Each script gets the same four arguments (tests/polyglot/helpers.sh reads them): the gateway, the
sandbox, and the google.rpc status and gRPC health protos that gen_python compiles into the
Python stubs beside the gateway's own.
"""

_ARGS = [
    "$(location //server:barion_gateway)",
    "$(location //sandbox:barion_sandbox)",
    "$(location @npm_tools//:google-proto-files/google/rpc/status.proto)",
    "$(location @npm_tools//:grpc-health-check/proto/health/v1/health.proto)",
]

_DATA = [
    "//proto:protos",
    "//sandbox:barion_sandbox",
    "//server:barion_gateway",
    "//tests/polyglot:helpers.sh",
    "@npm_tools//:google-proto-files/google/rpc/error_details.proto",
    "@npm_tools//:google-proto-files/google/rpc/status.proto",
    "@npm_tools//:grpc-health-check/proto/health/v1/health.proto",
]

def gateway_e2e_test(name, size = "medium", data = [], tags = []):
    """An sh_test `name` running `name`.sh with the gateway, the sandbox and the protos above.

    Args:
      name: the test, and its script without ".sh".
      size: Bazel's test size.
      data: what the script needs beyond the common files (its Python driver, tools).
      tags: Bazel tags ("no-sandbox" for tests that start PostgreSQL).
    """
    native.sh_test(
        name = name,
        size = size,
        srcs = [name + ".sh"],
        args = _ARGS,
        data = data + _DATA,
        tags = tags,
    )
