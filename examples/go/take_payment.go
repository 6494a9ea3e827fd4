// Take a payment through barion-grpc-gateway, from Go (Debian's golang-go and grpc-go).
//
// Starts a payment, plays the payer through the local sandbox's control API, waits on the
// payment-event stream until the payment has Succeeded, and shows the structured details of a
// request the gateway refuses. Stubs are generated from proto/ (nothing generated is committed):
//
//	M=; for f in types payment_service payment_event; do
//	  M="$M --go_opt=Mbarion/v1/$f.proto=barion/v1;barionv1"
//	  M="$M --go-grpc_opt=Mbarion/v1/$f.proto=barion/v1;barionv1"; done
//	protoc -Iproto --go_out=GOPATH_DIR/src --go-grpc_out=GOPATH_DIR/src $M \
//	  proto/barion/v1/types.proto proto/barion/v1/payment_service.proto \
//	  proto/barion/v1/payment_event.proto
//	GO111MODULE=off GOPATH=GOPATH_DIR:/usr/share/gocode go build -o take_payment \
//	  examples/go/take_payment.go
//
// Usage: take_payment GRPC_ADDRESS SANDBOX_HTTP_URL
//
// Connection, as the gateway's callers need it (docs/SECURITY.md), from the environment:
// BARION_GATEWAY_CA (the CA of the gateway's certificate: TLS), BARION_GATEWAY_CERT and
// BARION_GATEWAY_KEY (a client certificate: mTLS), BARION_GATEWAY_SERVER_NAME (the name on the
// gateway's certificate, when not the address's host), BARION_GATEWAY_TOKEN_FILE (a bearer
// token). None set: plaintext, for a gateway on this machine without callers.
package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io/ioutil"
	"log"
	"net/http"
	"os"
	"strings"
	"time"

	barionv1 "barion/v1"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
)

// read returns the contents of the file the environment variable names, or nil when unset.
func read(variable string) []byte {
	path := os.Getenv(variable)
	if path == "" {
		return nil
	}
	data, err := ioutil.ReadFile(path)
	if err != nil {
		log.Fatalf("%s: %v", variable, err)
	}
	return data
}

// connect dials the gateway as the environment describes; the returned context carries the
// token, if any, for every call made with it.
func connect(ctx context.Context, address string) (*grpc.ClientConn, context.Context) {
	if token := read("BARION_GATEWAY_TOKEN_FILE"); token != nil {
		ctx = metadata.AppendToOutgoingContext(ctx, "authorization",
			"Bearer "+strings.TrimSpace(string(token)))
	}
	option := grpc.WithInsecure() // grpc-go 1.33 has no credentials/insecure yet
	ca, cert, key := read("BARION_GATEWAY_CA"), read("BARION_GATEWAY_CERT"), read("BARION_GATEWAY_KEY")
	if ca != nil || cert != nil {
		config := &tls.Config{ServerName: os.Getenv("BARION_GATEWAY_SERVER_NAME")}
		if ca != nil {
			config.RootCAs = x509.NewCertPool()
			if !config.RootCAs.AppendCertsFromPEM(ca) {
				log.Fatal("BARION_GATEWAY_CA holds no certificate")
			}
		}
		if cert != nil {
			pair, err := tls.X509KeyPair(cert, key)
			if err != nil {
				log.Fatalf("client certificate: %v", err)
			}
			config.Certificates = []tls.Certificate{pair}
		}
		option = grpc.WithTransportCredentials(credentials.NewTLS(config))
	}
	conn, err := grpc.DialContext(ctx, address, option)
	if err != nil {
		log.Fatalf("dial %s: %v", address, err)
	}
	return conn, ctx
}

func coffee(requestID string, total string) *barionv1.StartPaymentRequest {
	return &barionv1.StartPaymentRequest{
		PaymentType:      barionv1.PaymentType_PAYMENT_TYPE_IMMEDIATE,
		FundingSources:   []barionv1.FundingSource{barionv1.FundingSource_FUNDING_SOURCE_ALL},
		PaymentRequestId: requestID,
		Currency:         barionv1.Currency_CURRENCY_HUF,
		Transactions: []*barionv1.PaymentTransaction{{
			PosTransactionId: requestID + "-1",
			Total:            total,
			Items: []*barionv1.Item{{
				Name: "Coffee", Description: "Flat white", Quantity: "1", Unit: "cup",
				UnitPrice: total, ItemTotal: total,
			}},
		}},
	}
}

// explain prints what a refused call's status carries: its code, then each detail the gateway
// attached (branch on these, never on the message text).
func explain(err error) {
	st, ok := status.FromError(err)
	if !ok {
		log.Fatalf("not a gRPC status: %v", err)
	}
	fmt.Printf("refused: %s: %s\n", st.Code(), st.Message())
	for _, detail := range st.Details() {
		switch d := detail.(type) {
		case *errdetails.BadRequest:
			for _, v := range d.GetFieldViolations() {
				fmt.Printf("  bad field %s: %s\n", v.GetField(), v.GetDescription())
			}
		case *errdetails.ErrorInfo:
			fmt.Printf("  reason %s (%s) %v\n", d.GetReason(), d.GetDomain(), d.GetMetadata())
		default:
			fmt.Printf("  detail %T\n", d)
		}
	}
}

func main() {
	if len(os.Args) != 3 {
		log.Fatal("usage: take_payment GRPC_ADDRESS SANDBOX_HTTP_URL")
	}
	address, sandbox := os.Args[1], os.Args[2]
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	conn, ctx := connect(ctx, address)
	defer conn.Close()
	payments := barionv1.NewPaymentServiceClient(conn)
	events := barionv1.NewPaymentEventServiceClient(conn)

	// 1. Subscribe first, so that no event is missed; the first message confirms the stream.
	stream, err := events.SubscribePaymentEvents(ctx, &barionv1.SubscribePaymentEventsRequest{})
	if err != nil {
		log.Fatalf("subscribe: %v", err)
	}
	first, err := stream.Recv()
	if err != nil || first.GetHeartbeat() == nil {
		log.Fatalf("subscribe: no start heartbeat: %v", err)
	}

	// 2. Start a payment of 1500 HUF, with a deadline of its own.
	id := fmt.Sprintf("example-go-%d", os.Getpid())
	callCtx, callCancel := context.WithTimeout(ctx, 10*time.Second)
	started, err := payments.StartPayment(callCtx, coffee(id, "1500"))
	callCancel()
	if err != nil {
		explain(err)
		log.Fatal("go example: StartPayment failed")
	}
	fmt.Println("started", started.GetPaymentId(), "pay at", started.GetGatewayUrl())

	// 3. The payer pays (in real life: in the browser, at gateway_url).
	paid, err := http.Post(sandbox+"/_sandbox/payments/"+started.GetPaymentId()+"/pay",
		"application/json", strings.NewReader("{}"))
	if err != nil || paid.StatusCode != http.StatusOK {
		log.Fatalf("sandbox pay: %v", err)
	}
	paid.Body.Close()

	// 4. Wait for the Succeeded event of this payment (the stream's context ends the wait).
	for {
		message, err := stream.Recv()
		if err != nil {
			log.Fatalf("go example: no Succeeded event: %v", err)
		}
		event := message.GetEvent()
		if event == nil || event.GetPaymentId() != started.GetPaymentId() {
			continue
		}
		snapshot := event.GetSnapshot()
		fmt.Println("event", event.GetCursor(), snapshot.GetStatus(), snapshot.GetTotal(),
			snapshot.GetCurrencyRaw())
		if snapshot.GetStatus() == barionv1.PaymentStatus_PAYMENT_STATUS_SUCCEEDED {
			fmt.Println("go example: payment succeeded")
			break
		}
	}

	// 5. A request the gateway refuses: forints have no decimals.
	callCtx, callCancel = context.WithTimeout(ctx, 10*time.Second)
	_, err = payments.StartPayment(callCtx, coffee(id+"-bad", "1500.50"))
	callCancel()
	if err == nil {
		log.Fatal("go example: a HUF amount with decimals was accepted")
	}
	explain(err)
	fmt.Println("go example: invalid request refused with its details")
}
