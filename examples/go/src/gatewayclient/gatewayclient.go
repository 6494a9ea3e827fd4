// Package gatewayclient dials barion-grpc-gateway as the environment describes, for the Go
// examples (examples/go/take_payment.go, examples/webshop).
//
// The variables, as every client of the gateway reads them (docs/SECURITY.md):
// BARION_GATEWAY_CA (the CA of the gateway's certificate: TLS), BARION_GATEWAY_CERT and
// BARION_GATEWAY_KEY (a client certificate: mTLS), BARION_GATEWAY_SERVER_NAME (the name on the
// gateway's certificate, when not the address's host), BARION_GATEWAY_TOKEN_FILE (a bearer
// token, sent with every call). None set: plaintext, for a gateway on this machine without
// callers. A token is only ever sent over TLS: with a token and no TLS, Dial fails.
package gatewayclient

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io/ioutil"
	"os"
	"strings"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
)

// read returns the contents of the file the environment variable names, or nil when unset.
func read(variable string) ([]byte, error) {
	path := os.Getenv(variable)
	if path == "" {
		return nil, nil
	}
	data, err := ioutil.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", variable, err)
	}
	return data, nil
}

// bearer puts "authorization: Bearer TOKEN" on every call, and only on TLS connections.
type bearer string

func (b bearer) GetRequestMetadata(context.Context, ...string) (map[string]string, error) {
	return map[string]string{"authorization": "Bearer " + string(b)}, nil
}

func (bearer) RequireTransportSecurity() bool { return true }

// Options returns the dial options the environment describes.
func Options() ([]grpc.DialOption, error) {
	var files [4][]byte
	for i, variable := range []string{"BARION_GATEWAY_CA", "BARION_GATEWAY_CERT",
		"BARION_GATEWAY_KEY", "BARION_GATEWAY_TOKEN_FILE"} {
		data, err := read(variable)
		if err != nil {
			return nil, err
		}
		files[i] = data
	}
	ca, cert, key, token := files[0], files[1], files[2], files[3]
	var options []grpc.DialOption
	if token != nil {
		secret := bearer(strings.TrimSpace(string(token)))
		options = append(options, grpc.WithPerRPCCredentials(secret))
	}
	if ca == nil && cert == nil {
		if token != nil {
			return nil, errors.New("BARION_GATEWAY_TOKEN_FILE needs TLS: set BARION_GATEWAY_CA")
		}
		// grpc-go 1.33 has no credentials/insecure yet.
		return append(options, grpc.WithInsecure()), nil
	}
	config := &tls.Config{ServerName: os.Getenv("BARION_GATEWAY_SERVER_NAME")}
	if ca != nil {
		config.RootCAs = x509.NewCertPool()
		if !config.RootCAs.AppendCertsFromPEM(ca) {
			return nil, errors.New("BARION_GATEWAY_CA holds no certificate")
		}
	}
	if cert != nil {
		pair, err := tls.X509KeyPair(cert, key)
		if err != nil {
			return nil, fmt.Errorf("client certificate: %v", err)
		}
		config.Certificates = []tls.Certificate{pair}
	}
	return append(options, grpc.WithTransportCredentials(credentials.NewTLS(config))), nil
}

// Dial connects to the gateway at address as the environment describes. The connection is
// made lazily: the first call waits for it, within its own deadline.
func Dial(address string) (*grpc.ClientConn, error) {
	options, err := Options()
	if err != nil {
		return nil, err
	}
	return grpc.Dial(address, options...)
}
