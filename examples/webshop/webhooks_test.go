package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
)

const testSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

// sign makes the headers the gateway sends with body, signed with key, at ts.
func sign(key []byte, id string, ts int64, body string) http.Header {
	mac := hmac.New(sha256.New, key)
	fmt.Fprintf(mac, "%s.%d.%s", id, ts, body)
	h := http.Header{}
	h.Set("webhook-id", id)
	h.Set("webhook-timestamp", strconv.FormatInt(ts, 10))
	h.Set("webhook-signature", "v1,"+base64.StdEncoding.EncodeToString(mac.Sum(nil)))
	return h
}

func post(h http.Handler, header http.Header, body string) int {
	r := httptest.NewRequest(http.MethodPost, "/webhooks", strings.NewReader(body))
	for k, v := range header {
		r.Header[k] = v
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w.Code
}

func TestAWebhookSettlesItsOrderOnlyWhenItVerifies(t *testing.T) {
	book := newOrderBook(10, 10)
	o, err := book.create("order-1", "10.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	book.started(o, "0123456789abcdef0123456789abcdef", "https://pay")
	hooks, err := newWebhooks(testSecret, book)
	if err != nil {
		t.Fatal(err)
	}
	key, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(testSecret, "whsec_"))
	body := `{"type":"payment.event","data":{"paymentId":"0123456789abcdef0123456789abcdef",` +
		`"snapshot":{"paymentRequestId":"order-1","status":"PAYMENT_STATUS_SUCCEEDED"}}}`
	now := time.Now().Unix()

	if code := post(hooks, sign(key, "msg_1", now, body), body+" "); code != http.StatusBadRequest {
		t.Errorf("a tampered body: %d, want 400", code)
	}
	if code := post(hooks, sign([]byte("another key of 24+ bytes!!"), "msg_1", now, body),
		body); code != http.StatusBadRequest {
		t.Errorf("a wrong key: %d, want 400", code)
	}
	if code := post(hooks, sign(key, "msg_1", now-3600, body), body); code != http.StatusBadRequest {
		t.Errorf("an old timestamp: %d, want 400", code)
	}
	if got := book.view(o).Outcome; got != outcomePending {
		t.Fatalf("settled by a delivery that did not verify: %q", got)
	}
	if code := post(hooks, sign(key, "msg_1", now, body), body); code != http.StatusNoContent {
		t.Fatalf("a good delivery: %d, want 204", code)
	}
	if got := book.view(o).Outcome; got != outcomePaid {
		t.Errorf("outcome %q, want paid", got)
	}
	// The same delivery again (a retry after a lost answer): acknowledged, nothing new.
	if code := post(hooks, sign(key, "msg_1", now, body), body); code != http.StatusNoContent {
		t.Errorf("a repeated delivery: %d, want 204", code)
	}
	if _, err := newWebhooks("not-a-secret", book); err == nil {
		t.Error("a secret without whsec_ was taken")
	}
}
