package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"html/template"
	"log"
	"net"
	"net/http"
	"regexp"
	"time"

	barionv1 "barion/v1"

	"google.golang.org/grpc/status"
)

// The one product the shop sells; money is a decimal string, never a float.
const (
	productName  = "Barion Blend coffee beans"
	productUnit  = "bag"
	productPrice = "4990"
	currency     = "HUF"
)

var pages = template.Must(template.New("shop").Parse(`
{{define "top"}}<!doctype html><html lang="en"><head><meta charset="utf-8">
{{if .Refresh}}<meta http-equiv="refresh" content="2">{{end}}
<title>{{.Title}} · Example shop</title>
<style>body{font-family:sans-serif;max-width:36em;margin:3em auto}
#outcome{font-size:1.5em;font-weight:bold}</style></head><body>
<h1>{{.Title}}</h1>{{end}}

{{define "product"}}{{template "top" .}}
<p>{{.Name}}, 1 kg: <b id="price">{{.Price}} {{.Currency}}</b></p>
<form method="post" action="/orders"><button id="pay">Pay with Barion</button></form>
</body></html>{{end}}

{{define "order"}}{{template "top" .}}
<p>Order <code id="order">{{.Order.ID}}</code>, Barion payment
<code id="payment">{{.Order.PaymentID}}</code>: {{.Price}} {{.Currency}}.</p>
{{if eq .Order.Outcome ""}}<p id="outcome" data-outcome="pending">Waiting for the payment's
result…</p><p>This page reloads by itself. <a href="{{.Order.GatewayURL}}">Back to the payment
page</a></p>
{{else}}<p id="outcome" data-outcome="{{.Order.Outcome}}">{{.Message}}</p>
<p><a href="/">Back to the shop</a></p>{{end}}
</body></html>{{end}}

{{define "problem"}}{{template "top" .}}<p id="problem">{{.Message}}</p>
<p><a href="/">Back to the shop</a></p></body></html>{{end}}
`))

// messages are what the return page says for each outcome.
var messages = map[string]string{
	outcomePaid:      "Paid. Thank you, your coffee is on its way.",
	outcomeDeclined:  "Declined: the card was not charged. You can try again.",
	outcomeCancelled: "Cancelled: you left the payment page; nothing was charged.",
	outcomeExpired:   "Expired: the payment was not completed in time.",
	outcomePartial:   "Partially paid: please contact us.",
}

// paymentIDPattern is Barion's payment id; anything else on the return URL is refused.
var paymentIDPattern = regexp.MustCompile(`^[0-9a-fA-F]{32}$`)

// outcomeSource is how the shop learns payments' outcomes: a SubscribePaymentEvents stream
// (follower) or the gateway's webhook deliveries (webhooks). isReady reports whether an order
// taken now will learn its outcome.
type outcomeSource interface{ isReady() bool }

// shop serves the pages: the product, starting a payment, and the return page.
type shop struct {
	payments    barionv1.PaymentServiceClient
	follower    outcomeSource
	book        *orderBook
	gatewayShop string
	publicURL   string        // where payers' browsers reach this shop
	resultWait  time.Duration // how long the return page waits for the payment's event
}

func (s *shop) routes() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("/", s.product)
	mux.HandleFunc("/orders", s.pay)
	mux.HandleFunc("/return", s.returned)
	return mux
}

type page struct {
	Title, Name, Price, Currency, Message string
	Refresh                               bool
	Order                                 orderView
}

func render(w http.ResponseWriter, code int, name string, p page) {
	header := w.Header()
	header.Set("Content-Type", "text/html; charset=utf-8")
	header.Set("Cache-Control", "no-store")
	header.Set("Content-Security-Policy",
		"default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
	header.Set("Referrer-Policy", "no-referrer")
	w.WriteHeader(code)
	if err := pages.ExecuteTemplate(w, name, p); err != nil {
		log.Printf("page %s: %v", name, err)
	}
}

func problem(w http.ResponseWriter, code int, message string) {
	render(w, code, "problem", page{Title: http.StatusText(code), Message: message})
}

func (s *shop) product(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/" {
		problem(w, http.StatusNotFound, "There is no such page.")
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		problem(w, http.StatusMethodNotAllowed, "Use GET.")
		return
	}
	render(w, http.StatusOK, "product", page{Title: "Example shop", Name: productName,
		Price: productPrice, Currency: currency})
}

func newOrderID() string {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return "webshop-" + hex.EncodeToString(b)
}

// pay starts a payment for the product and sends the browser to Barion's payment page.
func (s *shop) pay(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		problem(w, http.StatusMethodNotAllowed, "Use the Pay button.")
		return
	}
	if !s.follower.isReady() {
		problem(w, http.StatusServiceUnavailable,
			"The shop is not yet following payment events; try again in a moment.")
		return
	}
	client, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		client = r.RemoteAddr
	}
	o, err := s.book.create(newOrderID(), client)
	if err == errClientTooBusy {
		problem(w, http.StatusTooManyRequests,
			"You have too many unfinished payments; finish or cancel one first.")
		return
	} else if err != nil {
		problem(w, http.StatusServiceUnavailable, "The shop is busy; try again later.")
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 10*time.Second)
	defer cancel()
	started, err := s.payments.StartPayment(ctx, &barionv1.StartPaymentRequest{
		Shop:             s.gatewayShop,
		PaymentType:      barionv1.PaymentType_PAYMENT_TYPE_IMMEDIATE,
		FundingSources:   []barionv1.FundingSource{barionv1.FundingSource_FUNDING_SOURCE_ALL},
		PaymentRequestId: o.id,
		OrderNumber:      o.id,
		GuestCheckOut:    true,
		Currency:         barionv1.Currency_CURRENCY_HUF,
		RedirectUrl:      s.publicURL + "/return",
		Transactions: []*barionv1.PaymentTransaction{{
			PosTransactionId: o.id + "-1",
			Total:            productPrice,
			Items: []*barionv1.Item{{
				Name: productName, Description: "1 kg", Quantity: "1", Unit: productUnit,
				UnitPrice: productPrice, ItemTotal: productPrice,
			}},
		}},
	})
	if err != nil {
		s.book.discard(o)
		st := status.Convert(err)
		log.Printf("order %s: StartPayment refused: %s: %.200q", o.id, st.Code(), st.Message())
		problem(w, http.StatusBadGateway, "The payment could not be started ("+
			st.Code().String()+"); nothing was charged. Try again later.")
		return
	}
	s.book.started(o, started.GetPaymentId(), started.GetGatewayUrl())
	log.Printf("order %s: payment %s started", o.id, started.GetPaymentId())
	http.Redirect(w, r, started.GetGatewayUrl(), http.StatusSeeOther)
}

// returned is where Barion sends the payer back (?paymentId=…). The redirect says nothing about
// the result: the page shows the outcome the payment-event stream reported, waiting for it a
// little, and reloads itself while the payment is open.
func (s *shop) returned(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		problem(w, http.StatusMethodNotAllowed, "Use GET.")
		return
	}
	paymentID := r.URL.Query().Get("paymentId")
	if !paymentIDPattern.MatchString(paymentID) {
		problem(w, http.StatusBadRequest, "paymentId must be 32 hexadecimal digits.")
		return
	}
	o := s.book.byPaymentID(paymentID)
	if o == nil {
		problem(w, http.StatusNotFound, "This shop has no order with that payment.")
		return
	}
	wait := time.NewTimer(s.resultWait)
	defer wait.Stop()
	select {
	case <-o.done:
	case <-wait.C:
	case <-r.Context().Done():
		return
	}
	v := s.book.view(o)
	render(w, http.StatusOK, "order", page{Title: "Your order", Price: productPrice,
		Currency: currency, Message: messages[v.Outcome], Refresh: v.Outcome == outcomePending,
		Order: v})
}
