// Take a payment through barion-grpc-gateway, from Go (Debian's golang-go and grpc-go).
//
// Starts a payment, plays the payer through the local sandbox's control API, waits on the
// payment-event stream until the payment has Succeeded, and shows the structured details of a
// request the gateway refuses. Stubs are generated from proto/ and the example built by
// examples/go/build.sh (nothing generated is committed).
//
// Usage: take_payment GRPC_ADDRESS SANDBOX_HTTP_URL
//
// Connection, as the gateway's callers need it, from the environment: see package
// gatewayclient (examples/go/src/gatewayclient).
package main

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"os"
	"strings"
	"time"

	barionv1 "barion/v1"
	"gatewayclient"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/status"
)

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
	conn, err := gatewayclient.Dial(address)
	if err != nil {
		log.Fatalf("dial %s: %v", address, err)
	}
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
