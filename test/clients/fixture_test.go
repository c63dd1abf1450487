package clients

import (
	"context"
	"encoding/json"
	"net/http"
	"reflect"
	"testing"

	"github.com/kong/go-kong/kong"
)

// fixture makes, on first use, the parent entities a test needs, and removes them when the
// test ends (children first: cleanups run last-in first-out).
type fixture struct {
	t    *testing.T
	svc  *kong.Service
	cons *kong.Consumer
	up   *kong.Upstream
	cert *kong.Certificate
	set  *kong.KeySet
}

func newFixture(t *testing.T) *fixture { return &fixture{t: t} }

func (f *fixture) service() *kong.Service {
	if f.svc == nil {
		f.svc = res(client.Services.Create(ctx(f.t), &kong.Service{
			Name: kong.String(uniqueName("parent-svc")), Host: kong.String("parent.internal")})).must(f.t)
		f.t.Cleanup(func() { _ = client.Services.Delete(context.Background(), f.svc.ID) })
	}
	return f.svc
}

func (f *fixture) consumer() *kong.Consumer {
	if f.cons == nil {
		f.cons = res(client.Consumers.Create(ctx(f.t), &kong.Consumer{Username: kong.String(uniqueName("parent-user"))})).must(f.t)
		f.t.Cleanup(func() { _ = client.Consumers.Delete(context.Background(), f.cons.ID) })
	}
	return f.cons
}

func (f *fixture) upstream() *kong.Upstream {
	if f.up == nil {
		f.up = res(client.Upstreams.Create(ctx(f.t), &kong.Upstream{Name: kong.String(uniqueName("parent-up") + ".internal")})).must(f.t)
		f.t.Cleanup(func() { _ = client.Upstreams.Delete(context.Background(), f.up.ID) })
	}
	return f.up
}

func (f *fixture) certificate() *kong.Certificate {
	if f.cert == nil {
		cert, key := newCertificate(f.t, "parent.example.test", false)
		f.cert = res(client.Certificates.Create(ctx(f.t), &kong.Certificate{Cert: kong.String(cert), Key: kong.String(key)})).must(f.t)
		f.t.Cleanup(func() { _ = client.Certificates.Delete(context.Background(), f.cert.ID) })
	}
	return f.cert
}

func (f *fixture) keySet() *kong.KeySet {
	if f.set == nil {
		f.set = res(client.KeySets.Create(ctx(f.t), &kong.KeySet{Name: kong.String(uniqueName("parent-set"))})).must(f.t)
		f.t.Cleanup(func() { _ = client.KeySets.Delete(context.Background(), f.set.ID) })
	}
	return f.set
}

// servedEndpoints is the server's own list of routes (GET /endpoints).
func servedEndpoints(t *testing.T) []string {
	req := res(client.NewRequest(http.MethodGet, "/endpoints", nil, nil)).must(t)
	var body struct {
		Data []string `json:"data"`
	}
	res(client.Do(ctx(t), req, &body)).must(t)
	return body.Data
}

// Every go-kong entity struct has ID, Tags and most have UpdatedAt fields; the generic CRUD
// test reaches them by name.

func fieldString(v any, name string) *string {
	f := reflect.ValueOf(v).Elem().FieldByName(name)
	if !f.IsValid() {
		return nil
	}
	s, _ := f.Interface().(*string)
	return s
}

func fieldStrings(v any, name string) []string {
	f := reflect.ValueOf(v).Elem().FieldByName(name)
	if !f.IsValid() {
		return nil
	}
	var out []string
	for _, s := range f.Interface().([]*string) {
		out = append(out, *s)
	}
	return out
}

func setTags(v any, tags ...string) {
	reflect.ValueOf(v).Elem().FieldByName("Tags").Set(reflect.ValueOf(kong.StringSlice(tags...)))
}

func clearField(v any, name string) {
	if f := reflect.ValueOf(v).Elem().FieldByName(name); f.IsValid() {
		f.Set(reflect.Zero(f.Type()))
	}
}

// clone is a deep copy through JSON, the way the entity travels anyway.
func clone[T any](t *testing.T, v *T) *T {
	t.Helper()
	var out T
	if err := json.Unmarshal(res(json.Marshal(v)).must(t), &out); err != nil {
		t.Fatal(err)
	}
	return &out
}

func dumpJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return err.Error()
	}
	return string(b)
}
