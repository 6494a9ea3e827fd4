package gatewayclient

import (
	"io/ioutil"
	"path/filepath"
	"strings"
	"testing"
)

// setFiles points the variables at files holding the given contents; the rest are unset.
func setFiles(t *testing.T, contents map[string]string) {
	for _, v := range []string{"BARION_GATEWAY_CA", "BARION_GATEWAY_CERT", "BARION_GATEWAY_KEY",
		"BARION_GATEWAY_TOKEN_FILE", "BARION_GATEWAY_SERVER_NAME"} {
		t.Setenv(v, "")
	}
	for variable, content := range contents {
		path := filepath.Join(t.TempDir(), variable)
		if err := ioutil.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		t.Setenv(variable, path)
	}
}

func TestNothingSetDialsPlaintext(t *testing.T) {
	setFiles(t, nil)
	options, err := Options()
	if err != nil || len(options) != 1 {
		t.Fatalf("%d options, %v", len(options), err)
	}
}

func TestATokenIsNeverSentWithoutTLS(t *testing.T) {
	const token = "s3cret-token-value"
	setFiles(t, map[string]string{"BARION_GATEWAY_TOKEN_FILE": token + "\n"})
	_, err := Options()
	if err == nil || !strings.Contains(err.Error(), "needs TLS") {
		t.Fatalf("a token without TLS: %v", err)
	}
	if strings.Contains(err.Error(), token) {
		t.Error("the error shows the token")
	}
	if !bearer(token).RequireTransportSecurity() {
		t.Error("the token may go over a connection without TLS")
	}
}

func TestAFileWithoutACertificateIsRefused(t *testing.T) {
	setFiles(t, map[string]string{"BARION_GATEWAY_CA": "not a certificate"})
	if _, err := Options(); err == nil || !strings.Contains(err.Error(), "BARION_GATEWAY_CA") {
		t.Fatalf("a CA file without a certificate: %v", err)
	}
	setFiles(t, nil)
	t.Setenv("BARION_GATEWAY_CA", filepath.Join(t.TempDir(), "missing.pem"))
	if _, err := Options(); err == nil || !strings.Contains(err.Error(), "BARION_GATEWAY_CA") {
		t.Fatalf("a missing CA file: %v", err)
	}
}
