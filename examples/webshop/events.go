package main

import (
	"context"
	"log"
	"sync"
	"time"

	barionv1 "barion/v1"

	"google.golang.org/grpc/status"
)

// follower keeps one SubscribePaymentEvents stream open for the shop's lifetime and settles
// orders from the final-status events it carries. When the stream ends (the gateway restarts,
// or this shop fell behind) it subscribes again after the last cursor it processed, so no
// event is skipped; an event seen twice settles nothing new.
type follower struct {
	events barionv1.PaymentEventServiceClient
	shop   string
	book   *orderBook

	cursor string        // the last cursor processed; only run's goroutine touches it
	ready  chan struct{} // closed at the first heartbeat: from then on no event is missed
	once   sync.Once
}

func newFollower(events barionv1.PaymentEventServiceClient, shop string,
	book *orderBook) *follower {
	return &follower{events: events, shop: shop, book: book, ready: make(chan struct{})}
}

// isReady reports whether the shop is subscribed, so that orders taken now will learn their
// outcome.
func (f *follower) isReady() bool {
	select {
	case <-f.ready:
		return true
	default:
		return false
	}
}

// run follows the events until ctx ends, resubscribing with a growing pause (0.5 s to 10 s)
// while the gateway cannot be reached.
func (f *follower) run(ctx context.Context) {
	pause := 500 * time.Millisecond
	for ctx.Err() == nil {
		received, err := f.follow(ctx)
		if received {
			pause = 500 * time.Millisecond
		}
		if ctx.Err() != nil {
			return
		}
		log.Printf("payment events: stream ended (%s); resuming after cursor %q in %v",
			status.Code(err), f.cursor, pause)
		select {
		case <-ctx.Done():
			return
		case <-time.After(pause):
		}
		if pause *= 2; pause > 10*time.Second {
			pause = 10 * time.Second
		}
	}
}

// follow reads one stream until it ends; received tells whether any message came.
func (f *follower) follow(ctx context.Context) (received bool, err error) {
	request := &barionv1.SubscribePaymentEventsRequest{
		Shop: f.shop, Statuses: finalStatuses, AfterCursor: f.cursor}
	stream, err := f.events.SubscribePaymentEvents(ctx, request)
	if err != nil {
		return false, err
	}
	for {
		message, err := stream.Recv()
		if err != nil {
			return received, err
		}
		received = true
		// A message of a kind this shop does not know moves nothing: the cursor stays.
		if heartbeat := message.GetHeartbeat(); heartbeat != nil {
			f.cursor = heartbeat.GetCursor()
			f.once.Do(func() { close(f.ready) })
		} else if event := message.GetEvent(); event != nil {
			f.cursor = event.GetCursor()
			snapshot := event.GetSnapshot()
			if f.book.settle(snapshot.GetPaymentRequestId(), event.GetPaymentId(),
				outcomeOf(snapshot.GetStatus())) {
				log.Printf("payment %s: %s", event.GetPaymentId(), snapshot.GetStatus())
			}
		}
	}
}
