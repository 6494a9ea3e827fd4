package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"strconv"
	"strings"
	"time"

	barionv1 "barion/v1"
)

// webhooks settles orders from the gateway's webhook deliveries (docs/WEBHOOKS.md), for a shop
// run with -webhook_secret_env instead of holding a SubscribePaymentEvents stream. Each delivery
// is verified as Standard Webhooks says (an HMAC-SHA256 over id, timestamp and the raw body, a
// timestamp at most 5 minutes off) before anything in it is believed; a delivery seen twice
// (same webhook-id, or an order already settled) settles nothing new.
type webhooks struct {
	key  []byte // the signing secret's bytes
	book *orderBook
}

// newWebhooks takes the secret in its "whsec_<base64>" form.
func newWebhooks(secret string, book *orderBook) (*webhooks, error) {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil || !strings.HasPrefix(secret, "whsec_") || len(key) < 24 {
		return nil, fmt.Errorf("the webhook secret must be whsec_ and the base64 of 24+ bytes")
	}
	return &webhooks{key: key, book: book}, nil
}

// isReady: deliveries need no subscription, so orders may be taken at once.
func (h *webhooks) isReady() bool { return true }

// verify reports whether the delivery's headers sign body with the shop's key.
func (h *webhooks) verify(header http.Header, body []byte, now time.Time) bool {
	ts, err := strconv.ParseInt(header.Get("webhook-timestamp"), 10, 64)
	if err != nil || ts < now.Unix()-300 || ts > now.Unix()+300 {
		return false
	}
	mac := hmac.New(sha256.New, h.key)
	fmt.Fprintf(mac, "%s.%d.", header.Get("webhook-id"), ts)
	mac.Write(body)
	expected := base64.StdEncoding.EncodeToString(mac.Sum(nil))
	for _, s := range strings.Fields(header.Get("webhook-signature")) {
		if v, sig, ok := strings.Cut(s, ","); ok && v == "v1" &&
			hmac.Equal([]byte(sig), []byte(expected)) {
			return true
		}
	}
	return false
}

// The part of a delivery's JSON the shop reads (the PaymentEvent in the proto's JSON mapping).
type delivery struct {
	Type string `json:"type"`
	Data struct {
		PaymentID string `json:"paymentId"`
		Snapshot  struct {
			PaymentRequestID string `json:"paymentRequestId"`
			Status           string `json:"status"`
		} `json:"snapshot"`
	} `json:"data"`
}

// ServeHTTP answers 204 to a verified delivery it handled (or need not), 400 to one that does not
// verify; nothing else is acknowledged, so the gateway retries.
func (h *webhooks) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "POST only", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<16))
	if err != nil || !h.verify(r.Header, body, time.Now()) {
		http.Error(w, "not a delivery of our gateway", http.StatusBadRequest)
		return
	}
	var d delivery
	if err := json.Unmarshal(body, &d); err != nil {
		http.Error(w, "unreadable delivery", http.StatusBadRequest)
		return
	}
	if d.Type == "payment.event" {
		status := barionv1.PaymentStatus(barionv1.PaymentStatus_value[d.Data.Snapshot.Status])
		if outcome := outcomeOf(status); outcome != outcomePending &&
			h.book.settle(d.Data.Snapshot.PaymentRequestID, d.Data.PaymentID, outcome) {
			log.Printf("payment %s: %s (webhook)", d.Data.PaymentID, d.Data.Snapshot.Status)
		}
	}
	w.WriteHeader(http.StatusNoContent)
}
