// Take a payment through barion-grpc-gateway, from Java (Debian's default-jdk 17 and grpc-java
// 1.41 with its Netty transport).
//
// Starts a payment with the blocking stub, plays the payer through the local sandbox's control
// API, waits on the payment-event stream (async stub) until the payment has Succeeded, and shows
// the structured details of a request the gateway refuses (StatusProto.fromThrowable). Stubs are
// generated from proto/ (nothing generated is committed); tests/polyglot/helpers.sh
// (build_java_example, run_java_example) has the exact protoc, javac, class path and library;
// SANDBOX_URL is the sandbox's HTTP address.
//
// Usage: java -Djava.library.path=NATIVE_DIR -cp CLASSPATH TakePayment GRPC_ADDRESS SANDBOX_URL
//
// Connection, as the gateway's callers need it (docs/SECURITY.md), from the environment:
// BARION_GATEWAY_CA (the CA of the gateway's certificate: TLS), BARION_GATEWAY_CERT and
// BARION_GATEWAY_KEY (a client certificate, its key in PKCS#8: mTLS),
// BARION_GATEWAY_SERVER_NAME (the name on the gateway's certificate, when not the address's
// host), BARION_GATEWAY_TOKEN_FILE (a bearer token). None set: plaintext, for a gateway on this
// machine without callers; a token is only ever sent over TLS. gRPC over TLS needs ALPN, which
// Debian's Netty 4.1.48 offers only with OpenSSL: netty-tcnative on the class path and its
// library, named libnetty_tcnative.so, on java.library.path (README, "From other languages").
// GrpcSslContexts.forClient() then picks it.
import barion.v1.PaymentEventOuterClass.PaymentEvent;
import barion.v1.PaymentEventOuterClass.SubscribePaymentEventsRequest;
import barion.v1.PaymentEventOuterClass.SubscribePaymentEventsResponse;
import barion.v1.PaymentEventServiceGrpc;
import barion.v1.PaymentServiceGrpc;
import barion.v1.PaymentServiceOuterClass.StartPaymentRequest;
import barion.v1.PaymentServiceOuterClass.StartPaymentResponse;
import barion.v1.Types;
import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

public final class TakePayment {
  private static String env(String name) {
    String value = System.getenv(name);
    return value == null || value.isEmpty() ? null : value;
  }

  // The channel the environment describes.
  private static ManagedChannel connect(String address) throws Exception {
    NettyChannelBuilder builder = NettyChannelBuilder.forTarget(address);
    String ca = env("BARION_GATEWAY_CA");
    String cert = env("BARION_GATEWAY_CERT");
    if (ca == null && cert == null) {
      if (env("BARION_GATEWAY_TOKEN_FILE") != null) {
        throw new IllegalStateException(
            "BARION_GATEWAY_TOKEN_FILE needs TLS: set BARION_GATEWAY_CA");
      }
      return builder.usePlaintext().build();
    }
    SslContextBuilder tls = GrpcSslContexts.forClient();
    if (ca != null) tls.trustManager(new File(ca));
    if (cert != null) tls.keyManager(new File(cert), new File(env("BARION_GATEWAY_KEY")));
    builder.sslContext(tls.build());
    if (env("BARION_GATEWAY_SERVER_NAME") != null) {
      builder.overrideAuthority(env("BARION_GATEWAY_SERVER_NAME"));
    }
    return builder.build();
  }

  // The bearer token's header, or none.
  private static Metadata headers() throws Exception {
    Metadata headers = new Metadata();
    String tokenFile = env("BARION_GATEWAY_TOKEN_FILE");
    if (tokenFile != null) {
      String token = Files.readString(Path.of(tokenFile), StandardCharsets.UTF_8).strip();
      headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
          "Bearer " + token);
    }
    return headers;
  }

  private static StartPaymentRequest coffee(String requestId, String total) {
    return StartPaymentRequest.newBuilder()
        .setPaymentType(Types.PaymentType.PAYMENT_TYPE_IMMEDIATE)
        .addFundingSources(Types.FundingSource.FUNDING_SOURCE_ALL)
        .setPaymentRequestId(requestId)
        .setCurrency(Types.Currency.CURRENCY_HUF)
        .addTransactions(Types.PaymentTransaction.newBuilder()
            .setPosTransactionId(requestId + "-1")
            .setTotal(total)
            .addItems(Types.Item.newBuilder().setName("Coffee").setDescription("Flat white")
                .setQuantity("1").setUnit("cup").setUnitPrice(total).setItemTotal(total)))
        .build();
  }

  // Prints what a refused call's status carries: its code, then each detail the gateway
  // attached (branch on these, never on the message text).
  private static void explain(StatusRuntimeException error) throws Exception {
    System.out.println("refused: " + error.getStatus().getCode() + ": "
        + error.getStatus().getDescription());
    com.google.rpc.Status status = StatusProto.fromThrowable(error);
    if (status == null) return;
    for (Any detail : status.getDetailsList()) {
      if (detail.is(BadRequest.class)) {
        for (BadRequest.FieldViolation v : detail.unpack(BadRequest.class).getFieldViolationsList()) {
          System.out.println("  bad field " + v.getField() + ": " + v.getDescription());
        }
      } else if (detail.is(ErrorInfo.class)) {
        ErrorInfo info = detail.unpack(ErrorInfo.class);
        System.out.println("  reason " + info.getReason() + " (" + info.getDomain() + ") "
            + info.getMetadataMap());
      } else {
        System.out.println("  detail " + detail.getTypeUrl());
      }
    }
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: TakePayment GRPC_ADDRESS SANDBOX_HTTP_URL");
      System.exit(2);
    }
    String address = args[0];
    String sandbox = args[1];
    ManagedChannel channel = connect(address);
    Metadata headers = headers();
    PaymentServiceGrpc.PaymentServiceBlockingStub payments =
        PaymentServiceGrpc.newBlockingStub(channel)
            .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    PaymentEventServiceGrpc.PaymentEventServiceStub events =
        PaymentEventServiceGrpc.newStub(channel)
            .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));

    // 1. Subscribe first (async stub), so that no event is missed; the first message confirms
    //    the stream. Messages go to a queue; the stream's deadline ends the wait.
    BlockingQueue<Object> messages = new LinkedBlockingQueue<>();
    events.withDeadlineAfter(60, TimeUnit.SECONDS).subscribePaymentEvents(
        SubscribePaymentEventsRequest.getDefaultInstance(),
        new StreamObserver<SubscribePaymentEventsResponse>() {
          @Override public void onNext(SubscribePaymentEventsResponse message) {
            messages.add(message);
          }
          @Override public void onError(Throwable t) { messages.add(t); }
          @Override public void onCompleted() { messages.add("completed"); }
        });
    Object first = messages.take();
    if (!(first instanceof SubscribePaymentEventsResponse)
        || !((SubscribePaymentEventsResponse) first).hasHeartbeat()) {
      throw new IllegalStateException("java example: no start heartbeat: " + first);
    }

    // 2. Start a payment of 1500 HUF (blocking stub, with a deadline of its own).
    String id = "example-java-" + ProcessHandle.current().pid();
    StartPaymentResponse started;
    try {
      started = payments.withDeadlineAfter(10, TimeUnit.SECONDS).startPayment(coffee(id, "1500"));
    } catch (StatusRuntimeException e) {
      explain(e);
      throw new IllegalStateException("java example: StartPayment failed");
    }
    System.out.println("started " + started.getPaymentId() + " pay at " + started.getGatewayUrl());

    // 3. The payer pays (in real life: in the browser, at gateway_url).
    HttpResponse<String> paid = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(
                sandbox + "/_sandbox/payments/" + started.getPaymentId() + "/pay"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{}"))
            .build(),
        HttpResponse.BodyHandlers.ofString());
    if (paid.statusCode() != 200) throw new IllegalStateException("sandbox pay: " + paid);

    // 4. Wait for the Succeeded event of this payment.
    while (true) {
      Object next = messages.take();
      if (!(next instanceof SubscribePaymentEventsResponse)) {
        throw new IllegalStateException("java example: no Succeeded event: " + next);
      }
      SubscribePaymentEventsResponse message = (SubscribePaymentEventsResponse) next;
      if (!message.hasEvent()) continue;
      PaymentEvent event = message.getEvent();
      if (!event.getPaymentId().equals(started.getPaymentId())) continue;
      System.out.println("event " + event.getCursor() + " " + event.getSnapshot().getStatus()
          + " " + event.getSnapshot().getTotal() + " " + event.getSnapshot().getCurrencyRaw());
      if (event.getSnapshot().getStatus() == Types.PaymentStatus.PAYMENT_STATUS_SUCCEEDED) {
        System.out.println("java example: payment succeeded");
        break;
      }
    }

    // 5. A request the gateway refuses: forints have no decimals.
    try {
      payments.withDeadlineAfter(10, TimeUnit.SECONDS).startPayment(coffee(id + "-bad", "1500.50"));
      throw new IllegalStateException("java example: a HUF amount with decimals was accepted");
    } catch (StatusRuntimeException e) {
      explain(e);
      System.out.println("java example: invalid request refused with its details");
    }
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }
}
