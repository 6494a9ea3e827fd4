package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	barionv1 "barion/v1"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// fakePayments answers StartPayment; any other method panics (the interface is embedded nil).
type fakePayments struct {
	barionv1.PaymentServiceClient
	answer *barionv1.StartPaymentResponse
	err    error
	got    *barionv1.StartPaymentRequest
}

func (f *fakePayments) StartPayment(_ context.Context, in *barionv1.StartPaymentRequest,
	_ ...grpc.CallOption) (*barionv1.StartPaymentResponse, error) {
	f.got = in
	return f.answer, f.err
}

const paymentID = "0123456789abcdef0123456789abcdef"

func newTestShop(payments *fakePayments, subscribed bool) *shop {
	book := newOrderBook(10, 10)
	f := newFollower(nil, "", book)
	if subscribed {
		f.once.Do(func() { close(f.ready) })
	}
	return &shop{payments: payments, follower: f, book: book, publicURL: "http://shop.test",
		resultWait: 20 * time.Millisecond}
}

func serve(s *shop, method, target string) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	s.routes().ServeHTTP(w, httptest.NewRequest(method, target, nil))
	return w
}

func TestProductPage(t *testing.T) {
	s := newTestShop(&fakePayments{}, true)
	if w := serve(s, "GET", "/"); w.Code != 200 || !strings.Contains(w.Body.String(), `id="pay"`) {
		t.Errorf("GET /: %d %s", w.Code, w.Body)
	}
	if w := serve(s, "GET", "/nothing"); w.Code != 404 {
		t.Errorf("GET /nothing: %d", w.Code)
	}
	if w := serve(s, "GET", "/orders"); w.Code != 405 {
		t.Errorf("GET /orders: %d", w.Code)
	}
}

func TestPayStartsThePaymentAndRedirectsToBarion(t *testing.T) {
	payments := &fakePayments{answer: &barionv1.StartPaymentResponse{PaymentId: paymentID,
		GatewayUrl: "https://barion.test/Pay?Id=" + paymentID}}
	s := newTestShop(payments, true)
	w := serve(s, "POST", "/orders")
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != payments.answer.GatewayUrl {
		t.Fatalf("POST /orders: %d to %q", w.Code, w.Header().Get("Location"))
	}
	got := payments.got
	if got.RedirectUrl != "http://shop.test/return" || got.Transactions[0].Total != "4990" ||
		got.Currency != barionv1.Currency_CURRENCY_HUF ||
		!strings.HasPrefix(got.PaymentRequestId, "webshop-") {
		t.Errorf("StartPayment request: %v", got)
	}
	o := s.book.byPaymentID(paymentID)
	if o == nil || o.id != got.PaymentRequestId {
		t.Fatal("the order is not recorded under its payment")
	}
}

func TestPayWaitsUntilTheShopFollowsEvents(t *testing.T) {
	payments := &fakePayments{}
	w := serve(newTestShop(payments, false), "POST", "/orders")
	if w.Code != http.StatusServiceUnavailable || payments.got != nil {
		t.Errorf("an order taken before the subscription: %d", w.Code)
	}
}

func TestPayRefusedByTheGatewayLeavesNoOrder(t *testing.T) {
	payments := &fakePayments{err: status.Error(codes.Unavailable, "Barion is down")}
	s := newTestShop(payments, true)
	w := serve(s, "POST", "/orders")
	if w.Code != http.StatusBadGateway || !strings.Contains(w.Body.String(), "Unavailable") {
		t.Errorf("POST /orders: %d %s", w.Code, w.Body)
	}
	if len(s.book.byID) != 0 {
		t.Error("the failed order was kept")
	}
}

func TestReturnRefusesWhatIsNotAPaymentID(t *testing.T) {
	s := newTestShop(&fakePayments{}, true)
	w := serve(s, "GET", "/return?paymentId=%3Cscript%3E")
	if w.Code != http.StatusBadRequest || strings.Contains(w.Body.String(), "<script>") {
		t.Errorf("GET /return with markup: %d %s", w.Code, w.Body)
	}
	if w := serve(s, "GET", "/return?paymentId="+paymentID); w.Code != http.StatusNotFound {
		t.Errorf("an unknown payment: %d", w.Code)
	}
}

func TestReturnShowsTheOutcomeOfTheEventNotOfTheRedirect(t *testing.T) {
	s := newTestShop(&fakePayments{}, true)
	o, _ := s.book.create("order-1", "client")
	s.book.started(o, paymentID, "https://barion.test/Pay")
	w := serve(s, "GET", "/return?paymentId="+paymentID)
	if body := w.Body.String(); !strings.Contains(body, `data-outcome="pending"`) ||
		!strings.Contains(body, `http-equiv="refresh"`) {
		t.Errorf("no event yet, but the page says %s", body)
	}
	s.resultWait = 10 * time.Second
	go func() {
		time.Sleep(20 * time.Millisecond)
		s.book.settle("order-1", paymentID, outcomeCancelled)
	}()
	started := time.Now()
	w = serve(s, "GET", "/return?paymentId="+paymentID)
	if !strings.Contains(w.Body.String(), `data-outcome="cancelled"`) {
		t.Errorf("after the event the page says %s", w.Body)
	}
	if time.Since(started) > 5*time.Second {
		t.Error("the page did not answer as soon as the event came")
	}
}

func TestPayRefusesAClientWithTooManyOpenOrders(t *testing.T) {
	payments := &fakePayments{answer: &barionv1.StartPaymentResponse{PaymentId: paymentID,
		GatewayUrl: "https://barion.test/Pay"}}
	s := newTestShop(payments, true)
	s.book = newOrderBook(10, 1)
	if w := serve(s, "POST", "/orders"); w.Code != http.StatusSeeOther {
		t.Fatalf("first order: %d", w.Code)
	}
	payments.got = nil
	if w := serve(s, "POST", "/orders"); w.Code != http.StatusTooManyRequests ||
		payments.got != nil {
		t.Errorf("second open order of one client: %d", w.Code)
	}
}
