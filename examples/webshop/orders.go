package main

import (
	"container/list"
	"errors"
	"sync"

	barionv1 "barion/v1"
)

// Outcomes the shop shows for a payment's final status; "" while the payment is open.
const (
	outcomePending   = ""
	outcomePaid      = "paid"
	outcomeDeclined  = "declined"
	outcomeCancelled = "cancelled"
	outcomeExpired   = "expired"
	outcomePartial   = "partially paid"
)

// outcomeOf maps a payment status to what the shop shows: final statuses only.
func outcomeOf(status barionv1.PaymentStatus) string {
	switch status {
	case barionv1.PaymentStatus_PAYMENT_STATUS_SUCCEEDED:
		return outcomePaid
	case barionv1.PaymentStatus_PAYMENT_STATUS_FAILED:
		return outcomeDeclined
	case barionv1.PaymentStatus_PAYMENT_STATUS_CANCELED:
		return outcomeCancelled
	case barionv1.PaymentStatus_PAYMENT_STATUS_EXPIRED:
		return outcomeExpired
	case barionv1.PaymentStatus_PAYMENT_STATUS_PARTIALLY_SUCCEEDED:
		return outcomePartial
	}
	return outcomePending
}

// finalStatuses are the statuses the shop subscribes to: the ones outcomeOf names.
var finalStatuses = []barionv1.PaymentStatus{
	barionv1.PaymentStatus_PAYMENT_STATUS_SUCCEEDED,
	barionv1.PaymentStatus_PAYMENT_STATUS_FAILED,
	barionv1.PaymentStatus_PAYMENT_STATUS_CANCELED,
	barionv1.PaymentStatus_PAYMENT_STATUS_EXPIRED,
	barionv1.PaymentStatus_PAYMENT_STATUS_PARTIALLY_SUCCEEDED,
}

var (
	errShopFull      = errors.New("too many open orders")
	errClientTooBusy = errors.New("too many open orders from this client")
)

// order is one attempt to buy; its fields are guarded by the orderBook's mutex.
type order struct {
	id         string // the payment_request_id sent to the gateway
	client     string // who placed it (the remote address's host)
	paymentID  string // Barion's id, once StartPayment has answered
	gatewayURL string
	outcome    string
	done       chan struct{} // closed when outcome becomes final
	element    *list.Element
}

// orderView is a copy of an order's fields, for a page.
type orderView struct {
	ID, PaymentID, GatewayURL, Outcome string
}

// orderBook holds the shop's orders in memory, at most max of them. When full, a new order
// evicts the oldest finished one; when every order is still open, new orders are refused. One
// client may have at most perClient open orders: each is a payment started at Barion.
// Events find an order by its id (the payment_request_id their snapshot carries), so an event
// that overtakes StartPayment's answer is not lost; the return page finds it by payment id.
type orderBook struct {
	mu        sync.Mutex
	max       int
	perClient int
	byID      map[string]*order
	byPayment map[string]*order
	open      map[string]int // open orders per client
	age       *list.List     // oldest first
}

func newOrderBook(max, perClient int) *orderBook {
	return &orderBook{max: max, perClient: perClient, byID: map[string]*order{},
		byPayment: map[string]*order{}, open: map[string]int{}, age: list.New()}
}

// create records a new open order of client under id.
func (b *orderBook) create(id, client string) (*order, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.open[client] >= b.perClient {
		return nil, errClientTooBusy
	}
	if len(b.byID) >= b.max && !b.evictOneLocked() {
		return nil, errShopFull
	}
	o := &order{id: id, client: client, done: make(chan struct{})}
	o.element = b.age.PushBack(o)
	b.byID[id] = o
	b.open[client]++
	return o, nil
}

// closeLocked counts o as no longer open for its client.
func (b *orderBook) closeLocked(o *order) {
	if b.open[o.client]--; b.open[o.client] <= 0 {
		delete(b.open, o.client)
	}
}

// evictOneLocked forgets the oldest finished order; false when every order is open.
func (b *orderBook) evictOneLocked() bool {
	for e := b.age.Front(); e != nil; e = e.Next() {
		o := e.Value.(*order)
		if o.outcome == outcomePending {
			continue
		}
		b.forgetLocked(o)
		return true
	}
	return false
}

func (b *orderBook) forgetLocked(o *order) {
	b.age.Remove(o.element)
	delete(b.byID, o.id)
	if o.paymentID != "" {
		delete(b.byPayment, o.paymentID)
	}
}

// started records the payment StartPayment created for o, unless o is gone already (settled by
// an event that overtook the answer, then evicted).
func (b *orderBook) started(o *order, paymentID, gatewayURL string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	o.paymentID, o.gatewayURL = paymentID, gatewayURL
	if b.byID[o.id] == o {
		b.byPayment[paymentID] = o
	}
}

// discard forgets an order whose payment could not be started.
func (b *orderBook) discard(o *order) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if o.outcome == outcomePending {
		b.closeLocked(o)
	}
	b.forgetLocked(o)
}

// settle records a final outcome of payment paymentID for the order with this id; the first
// final outcome stays (events are delivered at least once). False when the order is not this
// shop's.
func (b *orderBook) settle(id, paymentID, outcome string) bool {
	if outcome == outcomePending {
		return false
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	o := b.byID[id]
	if o == nil || (o.paymentID != "" && o.paymentID != paymentID) {
		return false
	}
	if o.outcome == outcomePending {
		o.outcome = outcome
		close(o.done)
		b.closeLocked(o)
	}
	return true
}

// byPaymentID returns the order of a payment, or nil.
func (b *orderBook) byPaymentID(paymentID string) *order {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.byPayment[paymentID]
}

func (b *orderBook) view(o *order) orderView {
	b.mu.Lock()
	defer b.mu.Unlock()
	return orderView{ID: o.id, PaymentID: o.paymentID, GatewayURL: o.gatewayURL,
		Outcome: o.outcome}
}
