package main

import (
	"testing"

	barionv1 "barion/v1"
)

func TestOnlyFinalStatusesHaveAnOutcome(t *testing.T) {
	for _, s := range finalStatuses {
		if outcomeOf(s) == outcomePending {
			t.Errorf("%s: no outcome", s)
		}
	}
	for _, s := range []barionv1.PaymentStatus{barionv1.PaymentStatus_PAYMENT_STATUS_PREPARED,
		barionv1.PaymentStatus_PAYMENT_STATUS_STARTED,
		barionv1.PaymentStatus_PAYMENT_STATUS_RESERVED,
		barionv1.PaymentStatus_PAYMENT_STATUS_UNSPECIFIED} {
		if outcomeOf(s) != outcomePending {
			t.Errorf("%s: outcome %q for an open payment", s, outcomeOf(s))
		}
	}
}

func TestSettleKeepsTheFirstOutcomeOfTheRightPayment(t *testing.T) {
	book := newOrderBook(10)
	o, _ := book.create("order-1")
	if !book.settle("order-1", "p1", outcomeDeclined) {
		t.Fatal("an event that overtakes StartPayment's answer is lost")
	}
	book.started(o, "p1", "https://pay")
	if book.settle("order-1", "p2", outcomePaid) {
		t.Error("another payment's event settled the order")
	}
	book.settle("order-1", "p1", outcomePaid)
	if v := book.view(book.byPaymentID("p1")); v.Outcome != outcomeDeclined {
		t.Errorf("outcome %q, want the first one", v.Outcome)
	}
	if book.settle("order-2", "p3", outcomePaid) {
		t.Error("an unknown order was settled")
	}
	select {
	case <-o.done:
	default:
		t.Error("done not closed")
	}
}

func TestFullBookEvictsTheOldestFinishedOrder(t *testing.T) {
	book := newOrderBook(3)
	a, _ := book.create("a")
	book.started(a, "pa", "")
	b, _ := book.create("b")
	book.started(b, "pb", "")
	c, _ := book.create("c")
	book.started(c, "pc", "")
	if _, err := book.create("d"); err != errShopFull {
		t.Fatalf("a book full of open orders took another: %v", err)
	}
	book.settle("c", "pc", outcomePaid)
	book.settle("b", "pb", outcomeCancelled)
	if _, err := book.create("d"); err != nil {
		t.Fatal(err)
	}
	if book.byPaymentID("pb") != nil || book.byPaymentID("pa") == nil ||
		book.byPaymentID("pc") == nil {
		t.Error("not the oldest finished order was evicted")
	}
	book.discard(a)
	if book.byPaymentID("pa") != nil || len(book.byID) != 2 {
		t.Error("discard left the order behind")
	}
}
