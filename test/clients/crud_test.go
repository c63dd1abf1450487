package clients

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/kong/go-kong/kong"
)

// ops are the five calls a go-kong user makes on one entity type, bound to the entity's parent
// when it has one (a consumer's credentials, an upstream's targets).
type ops[T any] struct {
	create func(context.Context, *T) (*T, error)
	get    func(context.Context, *string) (*T, error) // nil when go-kong has no single get
	update func(context.Context, *T) (*T, error)
	delete func(context.Context, *string) error
	list   func(context.Context, *kong.ListOpt) ([]*T, *kong.ListOpt, error)
}

// topLevelAPI is what go-kong's services of top-level entities have in common.
type topLevelAPI[T any] interface {
	Create(context.Context, *T) (*T, error)
	Get(context.Context, *string) (*T, error)
	Update(context.Context, *T) (*T, error)
	Delete(context.Context, *string) error
	List(context.Context, *kong.ListOpt) ([]*T, *kong.ListOpt, error)
}

func topLevel[T any](api topLevelAPI[T]) ops[T] {
	return ops[T]{create: api.Create, get: api.Get, update: api.Update, delete: api.Delete, list: api.List}
}

// credentialAPI is what go-kong's services of consumer credentials have in common (key-auth,
// basic-auth, acls, hmac-auth, jwt).
type credentialAPI[T any] interface {
	Create(ctx context.Context, consumer *string, credential *T) (*T, error)
	Get(ctx context.Context, consumer, id *string) (*T, error)
	Update(ctx context.Context, consumer *string, credential *T) (*T, error)
	Delete(ctx context.Context, consumer, id *string) error
	ListForConsumer(ctx context.Context, consumer *string, opt *kong.ListOpt) ([]*T, *kong.ListOpt, error)
}

func ofConsumer[T any](api credentialAPI[T], consumer *string) ops[T] {
	return ops[T]{
		create: func(c context.Context, v *T) (*T, error) { return api.Create(c, consumer, v) },
		get:    func(c context.Context, id *string) (*T, error) { return api.Get(c, consumer, id) },
		update: func(c context.Context, v *T) (*T, error) { return api.Update(c, consumer, v) },
		delete: func(c context.Context, id *string) error { return api.Delete(c, consumer, id) },
		list: func(c context.Context, o *kong.ListOpt) ([]*T, *kong.ListOpt, error) {
			return api.ListForConsumer(c, consumer, o)
		},
	}
}

func ofUpstream(upstream *string) ops[kong.Target] {
	api := client.Targets
	return ops[kong.Target]{
		create: func(c context.Context, v *kong.Target) (*kong.Target, error) { return api.Create(c, upstream, v) },
		update: func(c context.Context, v *kong.Target) (*kong.Target, error) { return api.Update(c, upstream, v.ID, v) },
		delete: func(c context.Context, id *string) error { return api.Delete(c, upstream, id) },
		list: func(c context.Context, o *kong.ListOpt) ([]*kong.Target, *kong.ListOpt, error) {
			return api.List(c, upstream, o)
		},
	}
}

// crud is one entity type's go-kong CRUD case: how to reach it, a valid new entity (making the
// parents it needs with the fixture), and a change an update makes.
type crud[T any] struct {
	ops    func(f *fixture) ops[T]
	build  func(f *fixture) *T
	change func(f *fixture, v *T)
	// derived, when set, gives the fields the server computes from the change (a password
	// stored as its hash): the update's answer is the change with these applied.
	derived func(f *fixture, v *T)
}

// entityCase is one row of the table below: the Admin API collection it covers, the test's
// name (the collection, or collection-variant when one collection has several cases) and its test.
type entityCase struct {
	collection string
	name       string
	run        func(t *testing.T)
}

func (c crud[T]) test(collection string) entityCase {
	return entityCase{collection, collection, func(t *testing.T) { exerciseCRUD(t, c) }}
}

// variant is a second case of one collection (a key given as JWK, another as PEM).
func (c crud[T]) variant(collection, variant string) entityCase {
	return entityCase{collection, collection + "-" + variant, func(t *testing.T) { exerciseCRUD(t, c) }}
}

// entityCases: one entry per entity type kongdb serves. A new entity type is one entry here
// (and, for the declarative tests, a section of testdata/state.yaml).
func entityCases() []entityCase {
	return []entityCase{
		crud[kong.Service]{
			ops: func(*fixture) ops[kong.Service] { return topLevel[kong.Service](client.Services) },
			build: func(f *fixture) *kong.Service {
				return &kong.Service{Name: kong.String(uniqueName("svc")), URL: kong.String("https://backend.internal:8443/api")}
			},
			change: func(f *fixture, s *kong.Service) { s.Retries = kong.Int(9); s.Path = kong.String("/v2") },
		}.test("services"),
		crud[kong.Route]{
			ops: func(*fixture) ops[kong.Route] { return topLevel[kong.Route](client.Routes) },
			build: func(f *fixture) *kong.Route {
				return &kong.Route{Name: kong.String(uniqueName("route")), Paths: kong.StringSlice("/a"),
					Service: &kong.Service{ID: f.service().ID}}
			},
			change: func(f *fixture, r *kong.Route) {
				r.Paths = kong.StringSlice("/a", "/b")
				r.Methods = kong.StringSlice("GET")
			},
		}.test("routes"),
		crud[kong.Consumer]{
			ops: func(*fixture) ops[kong.Consumer] { return topLevel[kong.Consumer](client.Consumers) },
			build: func(f *fixture) *kong.Consumer {
				return &kong.Consumer{Username: kong.String(uniqueName("user"))}
			},
			change: func(f *fixture, c *kong.Consumer) { c.CustomID = kong.String(uniqueName("custom")) },
		}.test("consumers"),
		crud[kong.Plugin]{
			ops: func(*fixture) ops[kong.Plugin] { return topLevel[kong.Plugin](client.Plugins) },
			build: func(f *fixture) *kong.Plugin {
				return &kong.Plugin{Name: kong.String("key-auth"), Service: &kong.Service{ID: f.service().ID}}
			},
			change: func(f *fixture, p *kong.Plugin) {
				p.Config["key_names"] = []any{"x-key"}
				p.Enabled = kong.Bool(false)
			},
		}.test("plugins"),
		crud[kong.Upstream]{
			ops: func(*fixture) ops[kong.Upstream] { return topLevel[kong.Upstream](client.Upstreams) },
			build: func(f *fixture) *kong.Upstream {
				return &kong.Upstream{Name: kong.String(uniqueName("upstream") + ".internal")}
			},
			change: func(f *fixture, u *kong.Upstream) {
				u.Algorithm = kong.String("least-connections")
				u.ClientCertificate = &kong.Certificate{ID: f.certificate().ID}
			},
		}.test("upstreams"),
		crud[kong.Target]{
			ops: func(f *fixture) ops[kong.Target] { return ofUpstream(f.upstream().ID) },
			build: func(f *fixture) *kong.Target {
				return &kong.Target{Target: kong.String(uniqueName("node") + ".internal:8080")}
			},
			change: func(f *fixture, tg *kong.Target) { tg.Weight = kong.Int(25) },
		}.test("targets"),
		crud[kong.Certificate]{
			ops: func(*fixture) ops[kong.Certificate] { return topLevel[kong.Certificate](client.Certificates) },
			build: func(f *fixture) *kong.Certificate {
				cert, key := newCertificate(f.t, "crud.example.test", false)
				return &kong.Certificate{Cert: kong.String(cert), Key: kong.String(key)}
			},
			change: func(f *fixture, c *kong.Certificate) {
				cert, key := newCertificate(f.t, "rotated.example.test", false)
				c.Cert, c.Key = kong.String(cert), kong.String(key)
			},
		}.test("certificates"),
		crud[kong.SNI]{
			ops: func(*fixture) ops[kong.SNI] { return topLevel[kong.SNI](client.SNIs) },
			build: func(f *fixture) *kong.SNI {
				return &kong.SNI{Name: kong.String(uniqueName("sni") + ".example.test"),
					Certificate: &kong.Certificate{ID: f.certificate().ID}}
			},
			change: func(f *fixture, s *kong.SNI) { s.Name = kong.String(uniqueName("renamed") + ".example.test") },
		}.test("snis"),
		crud[kong.CACertificate]{
			ops: func(*fixture) ops[kong.CACertificate] { return topLevel[kong.CACertificate](client.CACertificates) },
			build: func(f *fixture) *kong.CACertificate {
				cert, _ := newCertificate(f.t, "kongdb test CA", true)
				return &kong.CACertificate{Cert: kong.String(cert)}
			},
			change: func(f *fixture, c *kong.CACertificate) {
				cert, _ := newCertificate(f.t, "kongdb rotated CA", true)
				c.Cert = kong.String(cert)
				c.CertDigest = kong.String(certDigest(f.t, cert)) // the server derives it, as Kong does
			},
		}.test("ca_certificates"),
		crud[kong.KeyAuth]{
			ops: func(f *fixture) ops[kong.KeyAuth] { return ofConsumer[kong.KeyAuth](client.KeyAuths, f.consumer().ID) },
			build: func(f *fixture) *kong.KeyAuth {
				return &kong.KeyAuth{Key: kong.String(uniqueName("secret"))}
			},
			change: func(f *fixture, k *kong.KeyAuth) { k.Key = kong.String(uniqueName("rotated")) },
		}.test("key-auths"),
		crud[kong.ACLGroup]{
			ops: func(f *fixture) ops[kong.ACLGroup] { return ofConsumer[kong.ACLGroup](client.ACLs, f.consumer().ID) },
			build: func(f *fixture) *kong.ACLGroup {
				return &kong.ACLGroup{Group: kong.String(uniqueName("group"))}
			},
			change: func(f *fixture, a *kong.ACLGroup) { a.Group = kong.String(uniqueName("renamed-group")) },
		}.test("acls"),
		crud[kong.BasicAuth]{
			ops: func(f *fixture) ops[kong.BasicAuth] {
				return ofConsumer[kong.BasicAuth](client.BasicAuths, f.consumer().ID)
			},
			build: func(f *fixture) *kong.BasicAuth {
				return &kong.BasicAuth{Username: kong.String(uniqueName("basic")), Password: kong.String("first-password")}
			},
			change: func(f *fixture, b *kong.BasicAuth) {
				b.Username = kong.String(uniqueName("renamed-basic"))
				b.Password = kong.String("rotated-password")
			},
			derived: func(f *fixture, b *kong.BasicAuth) {
				b.Password = kong.String(basicAuthHash(*b.Password, *f.consumer().ID))
			},
		}.test("basic-auths"),
		crud[kong.HMACAuth]{
			ops: func(f *fixture) ops[kong.HMACAuth] {
				return ofConsumer[kong.HMACAuth](client.HMACAuths, f.consumer().ID)
			},
			build: func(f *fixture) *kong.HMACAuth {
				return &kong.HMACAuth{Username: kong.String(uniqueName("hmac")), Secret: kong.String(uniqueName("hmac-secret"))}
			},
			change: func(f *fixture, h *kong.HMACAuth) { h.Secret = kong.String(uniqueName("rotated-secret")) },
		}.test("hmac-auths"),
		crud[kong.JWTAuth]{
			ops: func(f *fixture) ops[kong.JWTAuth] { return ofConsumer[kong.JWTAuth](client.JWTAuths, f.consumer().ID) },
			build: func(f *fixture) *kong.JWTAuth {
				return &kong.JWTAuth{Key: kong.String(uniqueName("issuer")), Secret: kong.String(uniqueName("jwt-secret"))}
			},
			change: func(f *fixture, j *kong.JWTAuth) { // from a shared secret to a public key
				j.Algorithm = kong.String("ES256")
				j.RSAPublicKey = newPEMKeyPair(f.t).PublicKey
			},
		}.test("jwts"),
		crud[kong.Oauth2Credential]{
			ops: func(f *fixture) ops[kong.Oauth2Credential] {
				return ofConsumer[kong.Oauth2Credential](client.Oauth2Credentials, f.consumer().ID)
			},
			build: func(f *fixture) *kong.Oauth2Credential {
				return &kong.Oauth2Credential{Name: kong.String("orders app"), ClientID: kong.String(uniqueName("client")),
					RedirectURIs: kong.StringSlice("https://app.example.test/callback")}
			},
			change: func(f *fixture, o *kong.Oauth2Credential) {
				o.Name = kong.String("renamed app")
				o.RedirectURIs = kong.StringSlice("https://app.example.test/callback", "https://m.example.test/cb")
				o.ClientType = kong.String("public")
			},
		}.test("oauth2"),
		crud[kong.KeySet]{
			ops: func(*fixture) ops[kong.KeySet] { return topLevel[kong.KeySet](client.KeySets) },
			build: func(f *fixture) *kong.KeySet {
				return &kong.KeySet{Name: kong.String(uniqueName("set"))}
			},
			change: func(f *fixture, s *kong.KeySet) { s.Name = kong.String(uniqueName("renamed-set")) },
		}.test("key-sets"),
		crud[kong.Key]{
			ops: func(*fixture) ops[kong.Key] { return topLevel[kong.Key](client.Keys) },
			build: func(f *fixture) *kong.Key {
				kid := uniqueName("kid")
				return &kong.Key{Name: kong.String(uniqueName("jwk")), KID: kong.String(kid),
					JWK: kong.String(newJWK(f.t, kid)), Set: &kong.KeySet{ID: f.keySet().ID}}
			},
			change: func(f *fixture, k *kong.Key) { // a rotation: a new key under a new kid
				k.KID = kong.String(uniqueName("rotated-kid"))
				k.JWK = kong.String(newJWK(f.t, *k.KID))
			},
		}.variant("keys", "jwk"),
		crud[kong.Key]{
			ops: func(*fixture) ops[kong.Key] { return topLevel[kong.Key](client.Keys) },
			build: func(f *fixture) *kong.Key {
				return &kong.Key{Name: kong.String(uniqueName("pem")), KID: kong.String(uniqueName("kid")),
					PEM: newPEMKeyPair(f.t)}
			},
			change: func(f *fixture, k *kong.Key) {
				k.PEM = newPEMKeyPair(f.t)
				k.Set = &kong.KeySet{ID: f.keySet().ID}
			},
		}.variant("keys", "pem"),
		crud[kong.Vault]{
			ops: func(*fixture) ops[kong.Vault] { return topLevel[kong.Vault](client.Vaults) },
			build: func(f *fixture) *kong.Vault {
				return &kong.Vault{Name: kong.String("env"), Prefix: kong.String(uniqueName("my-env")),
					Description: kong.String("secrets from the environment"),
					Config:      kong.Configuration{"prefix": "KONGDB_TEST_"}}
			},
			change: func(f *fixture, v *kong.Vault) {
				v.Description = kong.String("renamed variables")
				v.Config["prefix"] = "KONGDB_ROTATED_"
			},
		}.test("vaults"),
	}
}

func TestEveryEntityTypeGoesThroughGoKongCRUD(t *testing.T) {
	for _, c := range entityCases() {
		t.Run(c.name, c.run)
	}
}

// exerciseCRUD: create, read back (by id, in the list, by tag), update, read the update back,
// delete, and the entity is gone. The server's answers must be exactly the entities it stored.
func exerciseCRUD[T any](t *testing.T, c crud[T]) {
	f := newFixture(t)
	api := c.ops(f)
	want := c.build(f)
	ownTag := strings.ReplaceAll(t.Name(), "/", ".") // a tag cannot hold '/'
	setTags(want, testTag, ownTag)

	created, err := api.create(ctx(t), want)
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	id := fieldString(created, "ID")
	if id == nil || *id == "" {
		t.Fatalf("create answered no id: %+v", created)
	}
	deleted := false
	t.Cleanup(func() {
		if !deleted {
			_ = api.delete(context.Background(), id)
		}
	})
	if got := fieldStrings(created, "Tags"); !slices.Equal(got, []string{testTag, ownTag}) {
		t.Errorf("created entity has tags %v", got)
	}

	if api.get != nil {
		fetched, err := api.get(ctx(t), id)
		if err != nil {
			t.Fatalf("get by id: %v", err)
		}
		assertSameEntity(t, "get after create", fetched, created)
	}

	listed := listEveryPage(t, api.list, &kong.ListOpt{Size: 1, Tags: kong.StringSlice(ownTag)})
	if len(listed) != 1 {
		t.Fatalf("list by tag %q found %d entities, want 1", ownTag, len(listed))
	}
	assertSameEntity(t, "list after create", listed[0], created)

	changed := clone(t, created)
	c.change(f, changed)
	updated, err := api.update(ctx(t), changed)
	if err != nil {
		t.Fatalf("update: %v", err)
	}
	expected := changed
	if c.derived != nil {
		expected = clone(t, changed)
		c.derived(f, expected)
	}
	assertSameEntity(t, "update's answer", updated, expected)
	if api.get != nil {
		fetched, err := api.get(ctx(t), id)
		if err != nil {
			t.Fatalf("get after update: %v", err)
		}
		assertSameEntity(t, "get after update", fetched, updated)
	}

	if err := api.delete(ctx(t), id); err != nil {
		t.Fatalf("delete: %v", err)
	}
	deleted = true
	if api.get != nil {
		if _, err := api.get(ctx(t), id); !kong.IsNotFoundErr(err) {
			t.Errorf("get after delete: want 404, got %v", err)
		}
	}
	if rest := listEveryPage(t, api.list, &kong.ListOpt{Tags: kong.StringSlice(ownTag)}); len(rest) != 0 {
		t.Errorf("list after delete still finds %d entities", len(rest))
	}
}

// listEveryPage follows `next` until the last page, as go-kong's ListAll helpers do.
func listEveryPage[T any](t *testing.T, list func(context.Context, *kong.ListOpt) ([]*T, *kong.ListOpt, error),
	opt *kong.ListOpt,
) []*T {
	t.Helper()
	var all []*T
	for opt != nil {
		page, next, err := list(ctx(t), opt)
		if err != nil {
			t.Fatalf("list: %v", err)
		}
		all = append(all, page...)
		opt = next
	}
	return all
}

// assertSameEntity compares two go-kong entities field by field, leaving out updated_at (an
// update moves it; the tests do not control the clock).
func assertSameEntity[T any](t *testing.T, what string, got, want *T) {
	t.Helper()
	g, w := clone(t, got), clone(t, want)
	clearField(g, "UpdatedAt")
	clearField(w, "UpdatedAt")
	if !reflect.DeepEqual(g, w) {
		t.Errorf("%s:\n got  %s\n want %s", what, dumpJSON(g), dumpJSON(w))
	}
}

func TestEveryServedEntityCollectionHasAGoKongCase(t *testing.T) {
	covered := map[string]bool{}
	for _, c := range entityCases() {
		covered[c.collection] = true
	}
	// Served top-level paths with no CRUD case, and why: not entity collections, or entities
	// go-kong has no service for.
	withoutCase := map[string]string{"config": "DB-less only", "endpoints": "route list",
		"openapi.json": "document", "status": "server status", "tags": "read-only index (api_test.go)",
		"oauth2_tokens": "go-kong has no service for OAuth2 tokens (the oauth2 plugin issues them)",
		"sessions":      "go-kong has no service for the session plugin's server-side sessions",
		"acme_storage":  "go-kong has no service for the acme plugin's certificate storage"}
	for _, path := range servedEndpoints(t) {
		segments := strings.Split(strings.TrimPrefix(path, "/"), "/")
		if len(segments) != 1 || segments[0] == "" || withoutCase[segments[0]] != "" {
			continue
		}
		if !covered[segments[0]] {
			t.Errorf("the server serves /%s but entityCases() has no go-kong case for it", segments[0])
		}
	}
}
