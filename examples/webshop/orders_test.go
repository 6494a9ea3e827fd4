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
	book := newOrderBook(10, 10)
	o, _ := book.create("order-1", "client")
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
	book := newOrderBook(3, 10)
	a, _ := book.create("a", "client")
	book.started(a, "pa", "")
	b, _ := book.create("b", "client")
	book.started(b, "pb", "")
	c, _ := book.create("c", "client")
	book.started(c, "pc", "")
	if _, err := book.create("d", "client"); err != errShopFull {
		t.Fatalf("a book full of open orders took another: %v", err)
	}
	book.settle("c", "pc", outcomePaid)
	book.settle("b", "pb", outcomeCancelled)
	if _, err := book.create("d", "client"); err != nil {
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

func TestOneClientHasAtMostPerClientOpenOrders(t *testing.T) {
	book := newOrderBook(10, 2)
	a, _ := book.create("a", "mallory")
	b, _ := book.create("b", "mallory")
	if _, err := book.create("c", "mallory"); err != errClientTooBusy {
		t.Fatalf("a third open order: %v", err)
	}
	if _, err := book.create("c", "alice"); err != nil {
		t.Fatalf("another client is refused: %v", err)
	}
	book.settle("a", "", outcomeCancelled)
	book.settle("a", "", outcomePaid) // a repeated event frees nothing more
	if _, err := book.create("d", "mallory"); err != nil {
		t.Fatalf("a finished order still counts: %v", err)
	}
	if _, err := book.create("e", "mallory"); err != errClientTooBusy {
		t.Fatalf("a repeated event freed a place: %v", err)
	}
	book.discard(b)
	if _, err := book.create("e", "mallory"); err != nil {
		t.Fatalf("a discarded order still counts: %v", err)
	}
	book.discard(a) // finished: frees nothing
	if _, err := book.create("f", "mallory"); err != errClientTooBusy {
		t.Fatalf("discarding a finished order freed a place: %v", err)
	}
}

func TestAnOrderEvictedBeforeStartPaymentAnsweredStaysGone(t *testing.T) {
	book := newOrderBook(1, 10)
	e, _ := book.create("e", "client")
	book.settle("e", "pe", outcomePaid) // the event overtakes StartPayment's answer
	if _, err := book.create("f", "client"); err != nil {
		t.Fatal(err)
	}
	book.started(e, "pe", "")
	if book.byPaymentID("pe") != nil || len(book.byPayment) != 0 {
		t.Error("an evicted order came back")
	}
}
