package main

import (
	"context"
	"io"
	"sync"
	"testing"
	"time"

	barionv1 "barion/v1"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// fakeStream plays a list of messages, then ends with err.
type fakeStream struct {
	grpc.ClientStream
	messages []*barionv1.SubscribePaymentEventsResponse
	err      error
}

func (s *fakeStream) Recv() (*barionv1.SubscribePaymentEventsResponse, error) {
	if len(s.messages) == 0 {
		return nil, s.err
	}
	m := s.messages[0]
	s.messages = s.messages[1:]
	return m, nil
}

// fakeEvents hands out the streams in order and records each request.
type fakeEvents struct {
	mu       sync.Mutex
	streams  []*fakeStream
	requests []*barionv1.SubscribePaymentEventsRequest
	cancel   context.CancelFunc
}

func (f *fakeEvents) SubscribePaymentEvents(_ context.Context,
	in *barionv1.SubscribePaymentEventsRequest, _ ...grpc.CallOption) (
	barionv1.PaymentEventService_SubscribePaymentEventsClient, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests = append(f.requests, in)
	if len(f.streams) == 0 {
		f.cancel()
		return nil, status.Error(codes.Canceled, "done")
	}
	s := f.streams[0]
	f.streams = f.streams[1:]
	return s, nil
}

func (f *fakeEvents) ListPaymentEvents(context.Context, *barionv1.ListPaymentEventsRequest,
	...grpc.CallOption) (*barionv1.ListPaymentEventsResponse, error) {
	panic("not used")
}

func heartbeat(cursor string) *barionv1.SubscribePaymentEventsResponse {
	return &barionv1.SubscribePaymentEventsResponse{Kind: &barionv1.SubscribePaymentEventsResponse_Heartbeat{
		Heartbeat: &barionv1.Heartbeat{Cursor: cursor}}}
}

func event(cursor, orderID, paymentID string,
	s barionv1.PaymentStatus) *barionv1.SubscribePaymentEventsResponse {
	return &barionv1.SubscribePaymentEventsResponse{Kind: &barionv1.SubscribePaymentEventsResponse_Event{
		Event: &barionv1.PaymentEvent{Cursor: cursor, PaymentId: paymentID,
			Snapshot: &barionv1.GetPaymentStateResponse{PaymentRequestId: orderID, Status: s}}}}
}

func TestFollowerSettlesOrdersAndResumesAfterItsLastCursor(t *testing.T) {
	book := newOrderBook(10, 10)
	paid, _ := book.create("order-paid", "client")
	book.started(paid, "p1", "")
	failed, _ := book.create("order-failed", "client")
	ctx, cancel := context.WithCancel(context.Background())
	events := &fakeEvents{cancel: cancel, streams: []*fakeStream{
		{messages: []*barionv1.SubscribePaymentEventsResponse{heartbeat("c1"),
			event("c2", "order-paid", "p1", barionv1.PaymentStatus_PAYMENT_STATUS_SUCCEEDED)},
			err: status.Error(codes.ResourceExhausted, "too slow")},
		{messages: []*barionv1.SubscribePaymentEventsResponse{
			event("c3", "order-failed", "p2", barionv1.PaymentStatus_PAYMENT_STATUS_FAILED),
			heartbeat("c4")}, err: io.EOF},
	}}
	f := newFollower(events, "demo", book)
	done := make(chan struct{})
	go func() { f.run(ctx); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the follower did not stop")
	}
	if !f.isReady() {
		t.Error("not ready after a heartbeat")
	}
	if book.view(paid).Outcome != outcomePaid || book.view(failed).Outcome != outcomeDeclined {
		t.Errorf("outcomes %q and %q", book.view(paid).Outcome, book.view(failed).Outcome)
	}
	want := []string{"", "c2", "c4"}
	if len(events.requests) != len(want) {
		t.Fatalf("%d subscriptions, want %d", len(events.requests), len(want))
	}
	for i, r := range events.requests {
		if r.AfterCursor != want[i] || r.Shop != "demo" || len(r.Statuses) != len(finalStatuses) {
			t.Errorf("subscription %d: %v, want after %q", i, r, want[i])
		}
	}
}

func TestAMessageOfAnUnknownKindKeepsTheCursor(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	events := &fakeEvents{cancel: cancel, streams: []*fakeStream{
		{messages: []*barionv1.SubscribePaymentEventsResponse{heartbeat("c1"), {}},
			err: status.Error(codes.Unavailable, "restarting")},
	}}
	newFollower(events, "", newOrderBook(10, 10)).run(ctx)
	if len(events.requests) != 2 || events.requests[1].AfterCursor != "c1" {
		t.Fatalf("resubscribed with %v, want after c1", events.requests)
	}
}
