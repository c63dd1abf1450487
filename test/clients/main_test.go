// Package clients drives a running `kongdb start` with Kong's own Go clients: go-kong (the
// Admin API client library) and go-database-reconciler (decK's sync engine). The server is
// given by KONG_ADMIN_URL; run.sh starts one per backend and runs these tests against it.
//
// The tests share one server and reset it between them, so they run one at a time (no
// t.Parallel): go test runs the tests of one package sequentially.
package clients

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kong/go-kong/kong"
)

var client *kong.Client

func TestMain(m *testing.M) {
	url := os.Getenv("KONG_ADMIN_URL")
	if url == "" {
		fmt.Fprintln(os.Stderr, "KONG_ADMIN_URL is not set: these tests need a running `kongdb start` "+
			"(test/clients/run.sh starts one)")
		os.Exit(2)
	}
	var err error
	client, err = kong.NewClient(kong.String(url), nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, "go-kong client:", err)
		os.Exit(2)
	}
	os.Exit(m.Run())
}

// testTag marks everything the CRUD tests create, so a test can list exactly its own entities.
const testTag = "kongdb-clients-test"

var nameCounter atomic.Int64

// uniqueName gives a name no other entity of this run has (the server may outlive one test).
func uniqueName(prefix string) string {
	return fmt.Sprintf("%s-%d-%d", prefix, os.Getpid(), nameCounter.Add(1))
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return c
}

// outcome is a call's (value, error) pair: res(call()).must(t) fails the test at once on an
// error from a step the test cannot go on without.
type outcome[T any] struct {
	v   T
	err error
}

func res[T any](v T, err error) outcome[T] { return outcome[T]{v, err} }

func (o outcome[T]) must(t *testing.T) T {
	t.Helper()
	if o.err != nil {
		t.Fatal(o.err)
	}
	return o.v
}

// apiStatus is the HTTP status of a go-kong error from the Admin API (0 for other errors).
func apiStatus(err error) int {
	if apiErr, ok := err.(*kong.APIError); ok {
		return apiErr.Code()
	}
	return 0
}

// newCertificate makes a fresh self-signed P-256 certificate and its key, as PEM. Every call
// gives a different certificate, so CA certificates (unique by digest) never collide.
func newCertificate(t *testing.T, commonName string, isCA bool) (certPEM, keyPEM string) {
	t.Helper()
	key := res(ecdsa.GenerateKey(elliptic.P256(), rand.Reader)).must(t)
	serial := res(rand.Int(rand.Reader, big.NewInt(1<<62))).must(t)
	template := x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: commonName},
		DNSNames:              []string{commonName},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().AddDate(10, 0, 0),
		BasicConstraintsValid: true,
		IsCA:                  isCA,
	}
	if isCA {
		template.KeyUsage = x509.KeyUsageCertSign | x509.KeyUsageCRLSign
	}
	der := res(x509.CreateCertificate(rand.Reader, &template, &template, &key.PublicKey, key)).must(t)
	keyDER := res(x509.MarshalPKCS8PrivateKey(key)).must(t)
	certPEM = string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
	keyPEM = string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}))
	return certPEM, keyPEM
}

// newJWK makes a fresh P-256 private key as the JSON text of a JWK named kid, the form Kong's
// keys.jwk holds.
func newJWK(t *testing.T, kid string) string {
	t.Helper()
	key := res(res(ecdsa.GenerateKey(elliptic.P256(), rand.Reader)).must(t).ECDH()).must(t)
	point := key.PublicKey().Bytes() // 0x04 || X || Y, 32 bytes each on P-256
	b64 := base64.RawURLEncoding.EncodeToString
	return string(res(json.Marshal(map[string]string{"kty": "EC", "crv": "P-256", "kid": kid,
		"x": b64(point[1:33]), "y": b64(point[33:]), "d": b64(key.Bytes())})).must(t))
}

// newPEMKeyPair makes a fresh P-256 key pair as PEM: PKIX public key, PKCS #8 private key.
func newPEMKeyPair(t *testing.T) *kong.PEM {
	t.Helper()
	key := res(ecdsa.GenerateKey(elliptic.P256(), rand.Reader)).must(t)
	pub := res(x509.MarshalPKIXPublicKey(&key.PublicKey)).must(t)
	priv := res(x509.MarshalPKCS8PrivateKey(key)).must(t)
	return &kong.PEM{
		PublicKey:  kong.String(string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub}))),
		PrivateKey: kong.String(string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: priv}))),
	}
}

// basicAuthHash is how Kong stores a basic-auth password: the hex SHA-1 of the password
// followed by the consumer's id.
func basicAuthHash(password, consumerID string) string {
	sum := sha1.Sum([]byte(password + consumerID))
	return hex.EncodeToString(sum[:])
}

// certDigest is Kong's ca_certificates.cert_digest: the hex SHA-256 of the certificate's DER.
func certDigest(t *testing.T, certPEM string) string {
	block, _ := pem.Decode([]byte(certPEM))
	if block == nil {
		t.Fatal("not a PEM certificate")
	}
	sum := sha256.Sum256(block.Bytes)
	return hex.EncodeToString(sum[:])
}

// res2 is res for calls answering two values and an error (go-kong's lists, validations).
type outcome2[A, B any] struct {
	a   A
	b   B
	err error
}

func res2[A, B any](a A, b B, err error) outcome2[A, B] { return outcome2[A, B]{a, b, err} }

func (o outcome2[A, B]) must(t *testing.T) (A, B) {
	t.Helper()
	if o.err != nil {
		t.Fatal(o.err)
	}
	return o.a, o.b
}
