// webshop: a minimal web shop that takes payments through barion-grpc-gateway, in Go.
//
// The payer sees one product and a "Pay with Barion" button. The shop calls StartPayment and
// redirects the browser to the payment's gateway_url; Barion (or the sandbox) sends the payer
// back to /return?paymentId=…, and that page shows the outcome the shop learned from
// SubscribePaymentEvents: paid, declined, cancelled or expired. The redirect itself carries no
// result, and a payer can open it without paying.
//
// Built by examples/go/build.sh. Orders live in memory: a restart forgets them (a real shop
// keeps them in its database and, after a restart, resumes its subscription after the last
// cursor it stored).
//
// What a client can make it spend is bounded: connections (-max_connections), header (8 KiB) and
// body (4 KiB) bytes, time per request, orders open at once per client address
// (-max_open_orders_per_client) and in all (-max_orders). Nothing a client sends reaches a log
// line; a malformed paymentId is refused before use.
//
// With -webhook_secret_env, the shop learns outcomes from the gateway's webhooks instead (POST
// /webhooks, each delivery's signature verified): for a shop that cannot hold a stream.
//
// Usage: webshop [-gateway 127.0.0.1:50051] [-listen 127.0.0.1:8088] [-public_url URL] [-shop NAME]
//
//	[-webhook_secret_env NAME]
//
// The connection to the gateway (TLS, client certificate, token) comes from the environment:
// see package gatewayclient.
package main

import (
	"context"
	"flag"
	"fmt"
	"io/ioutil"
	"log"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	barionv1 "barion/v1"
	"gatewayclient"

	"golang.org/x/net/netutil"
)

func main() {
	gateway := flag.String("gateway", "127.0.0.1:50051", "the gateway's gRPC address")
	listen := flag.String("listen", "127.0.0.1:8088", "host:port the shop serves on (port 0: any)")
	publicURL := flag.String("public_url", "",
		"the shop's address as payers' browsers reach it (default: http://LISTEN)")
	gatewayShop := flag.String("shop", "",
		"the shop's name in the gateway's configuration (empty: the gateway's only shop)")
	maxOrders := flag.Int("max_orders", 10000, "orders kept in memory")
	maxOpenPerClient := flag.Int("max_open_orders_per_client", 20,
		"unfinished orders one client address may have")
	maxConnections := flag.Int("max_connections", 256, "connections served at once")
	resultWait := flag.Duration("result_wait", 5*time.Second,
		"how long the return page waits for the payment's event before showing it as pending")
	addressesFile := flag.String("addresses_file", "", "after start, write shop=URL here")
	webhookSecretEnv := flag.String("webhook_secret_env", "",
		"learn outcomes from the gateway's webhooks (POST /webhooks, signed with the whsec_ "+
			"secret in this environment variable) instead of a SubscribePaymentEvents stream")
	flag.Parse()
	if flag.NArg() != 0 || *maxOrders < 1 || *maxOpenPerClient < 1 || *maxConnections < 1 {
		flag.Usage()
		os.Exit(2)
	}
	if *publicURL != "" {
		u, err := url.Parse(*publicURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
			u.RawQuery != "" || u.Fragment != "" {
			log.Fatal("-public_url must be an absolute http or https URL without query")
		}
		*publicURL = strings.TrimRight(*publicURL, "/")
	}

	conn, err := gatewayclient.Dial(*gateway)
	if err != nil {
		log.Fatalf("gateway %s: %v", *gateway, err)
	}
	defer conn.Close()
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	book := newOrderBook(*maxOrders, *maxOpenPerClient)
	var outcomes outcomeSource
	var hooks *webhooks
	if *webhookSecretEnv != "" {
		hooks, err = newWebhooks(os.Getenv(*webhookSecretEnv), book)
		if err != nil {
			log.Fatalf("-webhook_secret_env: %v", err)
		}
		outcomes = hooks
	} else {
		events := newFollower(barionv1.NewPaymentEventServiceClient(conn), *gatewayShop, book)
		go events.run(ctx)
		outcomes = events
	}

	listener, err := net.Listen("tcp", *listen)
	if err != nil {
		log.Fatalf("listen %s: %v", *listen, err)
	}
	base := "http://" + listener.Addr().String()
	if *publicURL == "" {
		*publicURL = base
	}
	s := &shop{payments: barionv1.NewPaymentServiceClient(conn), follower: outcomes, book: book,
		gatewayShop: *gatewayShop, publicURL: *publicURL, resultWait: *resultWait}
	handler := http.MaxBytesHandler(s.routes(), 4096)
	if hooks != nil {
		// Deliveries carry a whole payment snapshot: they get their own bound (64 KiB).
		outer := http.NewServeMux()
		outer.Handle("/webhooks", hooks)
		outer.Handle("/", handler)
		handler = outer
	}
	server := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      *resultWait + 10*time.Second,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    8 << 10,
	}
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		server.Shutdown(shutdown)
	}()
	if *addressesFile != "" {
		// Written whole, then renamed: a reader never sees half of it.
		temporary := *addressesFile + ".tmp"
		if err := ioutil.WriteFile(temporary, []byte("shop="+base+"\n"), 0o644); err != nil {
			log.Fatalf("addresses_file: %v", err)
		}
		if err := os.Rename(temporary, *addressesFile); err != nil {
			log.Fatalf("addresses_file: %v", err)
		}
	}
	fmt.Printf("webshop serving %s (payers return to %s/return), gateway %s\n", base,
		*publicURL, *gateway)
	err = server.Serve(netutil.LimitListener(listener, *maxConnections))
	if err != http.ErrServerClosed {
		log.Fatalf("serve: %v", err)
	}
}
