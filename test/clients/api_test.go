package clients

import (
	"context"
	"net/http"
	"slices"
	"sort"
	"testing"

	"github.com/kong/go-kong/kong"
)

// pluginSamples: a valid config for each bundled plugin whose schema requires one. A plugin the
// server serves and this table lacks is tried with an empty config.
var pluginSamples = map[string]kong.Configuration{
	"acl":                 {"allow": []any{"admins"}},
	"rate-limiting":       {"minute": 10, "policy": "local"},
	"request-transformer": {"add": map[string]any{"headers": []any{"x-added:1"}}},
	"cors":                {"origins": []any{"https://app.example.test"}},
	"azure-functions":     {"appname": "orders", "functionname": "refund"},
	"file-log":            {"path": "/tmp/kongdb-clients.log"},
	"http-log":            {"http_endpoint": "http://logs.internal:8080/ingest"},
	"ip-restriction":      {"allow": []any{"10.0.0.0/8"}},
	"ldap-auth":           {"ldap_host": "ldap.internal", "base_dn": "dc=example,dc=test", "attribute": "uid"},
	"loggly":              {"key": "loggly-token"},
	"redirect":            {"location": "https://example.test/moved"},
	"tcp-log":             {"host": "logs.internal", "port": 5140},
	"udp-log":             {"host": "logs.internal", "port": 5141},
	"acme":                {"account_email": "ops@example.test"},
	// provision_key is generated when absent; given, the stored config is known in advance.
	"oauth2": {"enable_authorization_code": true, "provision_key": "orders-provision-key"},
	// Every period given: Kong stores an absent one as null inside the map's records, and
	// go-kong's defaults filling does not reach into map values.
	"response-ratelimiting": {"limits": map[string]any{"sms": map[string]any{"second": 1, "minute": 10,
		"hour": 100, "day": 1000, "month": 10000, "year": 100000}}},
}

func TestRootIdentifiesAKong3ServerToGoKong(t *testing.T) {
	info := res(client.Info.Get(ctx(t))).must(t)
	version := res(kong.ParseSemanticVersion(info.Version)).must(t)
	if version.Major() != 3 {
		t.Errorf("version %s parses to major %d, want 3", info.Version, version.Major())
	}
	if info.Configuration == nil || info.Configuration.Database == "" {
		t.Errorf("GET / names no database: %+v", info.Configuration)
	}
	server := res(client.Server(ctx(t))).must(t)
	if len(server) < 5 || server[:5] != "kong/" {
		t.Errorf("Server header %q, want kong/<version>", server)
	}
	status := res(client.Status(ctx(t))).must(t)
	if !status.Database.Reachable {
		t.Error("GET /status says the database is unreachable")
	}
}

func TestListFollowsNextUntilTheLastPage(t *testing.T) {
	tag := uniqueName("paged")
	for i := 0; i < 5; i++ {
		svc := res(client.Services.Create(ctx(t), &kong.Service{Name: kong.String(uniqueName("paged")),
			Host: kong.String("paged.internal"), Tags: kong.StringSlice(tag)})).must(t)
		t.Cleanup(func() { _ = client.Services.Delete(context.Background(), svc.ID) })
	}
	var sizes []int
	var ids []string
	opt := &kong.ListOpt{Size: 2, Tags: kong.StringSlice(tag)}
	for opt != nil {
		page, next, err := client.Services.List(ctx(t), opt)
		if err != nil {
			t.Fatal(err)
		}
		sizes = append(sizes, len(page))
		for _, s := range page {
			ids = append(ids, *s.ID)
		}
		opt = next
	}
	if !slices.Equal(sizes, []int{2, 2, 1}) {
		t.Errorf("pages of size 2 over 5 services held %v", sizes)
	}
	sort.Strings(ids)
	if len(slices.Compact(ids)) != 5 {
		t.Errorf("the pages repeat or miss services: %v", ids)
	}
}

func TestTagFiltersMatchAnyTagOrEveryTag(t *testing.T) {
	a, b := uniqueName("tag-a"), uniqueName("tag-b")
	for _, tags := range [][]string{{a}, {a, b}, {b}} {
		c := res(client.Consumers.Create(ctx(t), &kong.Consumer{Username: kong.String(uniqueName("tagged")),
			Tags: kong.StringSlice(tags...)})).must(t)
		t.Cleanup(func() { _ = client.Consumers.Delete(context.Background(), c.ID) })
	}
	anyTag := listEveryPage(t, client.Consumers.List, &kong.ListOpt{Tags: kong.StringSlice(a, b)})
	everyTag := listEveryPage(t, client.Consumers.List, &kong.ListOpt{Tags: kong.StringSlice(a, b), MatchAllTags: true})
	if len(anyTag) != 3 || len(everyTag) != 1 {
		t.Errorf("tags %s or %s matched %d consumers (want 3), both matched %d (want 1)", a, b, len(anyTag), len(everyTag))
	}
	if exists := res(client.Tags.Exists(ctx(t))).must(t); !exists {
		t.Error("go-kong does not find the /tags endpoint")
	}
}

func TestErrorsReachGoKongWithKongsStatusCodes(t *testing.T) {
	f := newFixture(t)
	cases := []struct {
		name   string
		call   func() error
		status int
	}{
		{"a service without host is a schema violation", func() error {
			_, err := client.Services.Create(ctx(t), &kong.Service{Name: kong.String(uniqueName("nohost"))})
			return err
		}, http.StatusBadRequest},
		{"a second service of the same name is a conflict", func() error {
			_, err := client.Services.Create(ctx(t), &kong.Service{Name: f.service().Name, Host: kong.String("x.internal")})
			return err
		}, http.StatusConflict},
		{"a route of a missing service is a foreign key violation", func() error {
			_, err := client.Routes.Create(ctx(t), &kong.Route{Paths: kong.StringSlice("/x"),
				Service: &kong.Service{ID: kong.String("6d1b4a5e-2c8f-4e3a-9b7d-0f1e2d3c4b5a")}})
			return err
		}, http.StatusBadRequest},
		{"deleting a service that routes use is refused", func() error {
			route := res(client.Routes.CreateInService(ctx(t), f.service().ID, &kong.Route{Paths: kong.StringSlice("/held")})).must(t)
			t.Cleanup(func() { _ = client.Routes.Delete(context.Background(), route.ID) })
			return client.Services.Delete(ctx(t), f.service().ID)
		}, http.StatusBadRequest},
		{"a missing consumer is not found", func() error {
			_, err := client.Consumers.Get(ctx(t), kong.String(uniqueName("nobody")))
			return err
		}, http.StatusNotFound},
		{"a plugin the server does not know is a schema violation", func() error {
			_, err := client.Plugins.Create(ctx(t), &kong.Plugin{Name: kong.String("no-such-plugin")})
			return err
		}, http.StatusBadRequest},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := apiStatus(c.call()); got != c.status {
				t.Errorf("status %d, want %d", got, c.status)
			}
		})
	}
}

func TestNestedEndpointsThroughGoKong(t *testing.T) {
	f := newFixture(t)
	route := res(client.Routes.CreateInService(ctx(t), f.service().ID,
		&kong.Route{Name: kong.String(uniqueName("nested")), Paths: kong.StringSlice("/nested")})).must(t)
	t.Cleanup(func() { _ = client.Routes.Delete(context.Background(), route.ID) })
	routes, _ := res2(client.Routes.ListForService(ctx(t), f.service().Name, nil)).must(t)
	if len(routes) != 1 || *routes[0].ID != *route.ID {
		t.Errorf("routes of the service: %d, want the one created", len(routes))
	}

	plugin := res(client.Plugins.CreateForRoute(ctx(t), route.Name, &kong.Plugin{Name: kong.String("key-auth")})).must(t)
	t.Cleanup(func() { _ = client.Plugins.Delete(context.Background(), plugin.ID) })
	if plugins := res(client.Plugins.ListAllForRoute(ctx(t), route.ID)).must(t); len(plugins) != 1 {
		t.Errorf("plugins of the route: %d, want 1", len(plugins))
	}
	consumerPlugin := res(client.Plugins.Create(ctx(t), &kong.Plugin{Name: kong.String("rate-limiting"),
		Consumer: &kong.Consumer{ID: f.consumer().ID}, Config: pluginSamples["rate-limiting"]})).must(t)
	t.Cleanup(func() { _ = client.Plugins.Delete(context.Background(), consumerPlugin.ID) })
	if plugins := res(client.Plugins.ListAllForConsumer(ctx(t), f.consumer().Username)).must(t); len(plugins) != 1 {
		t.Errorf("plugins of the consumer: %d, want 1", len(plugins))
	}

	customID := uniqueName("custom")
	res(client.Consumers.Update(ctx(t), &kong.Consumer{ID: f.consumer().ID, CustomID: kong.String(customID)})).must(t)
	if c := res(client.Consumers.GetByCustomID(ctx(t), kong.String(customID))).must(t); *c.ID != *f.consumer().ID {
		t.Errorf("consumer by custom_id is %s", *c.ID)
	}

	key := res(client.KeyAuths.Create(ctx(t), f.consumer().Username, &kong.KeyAuth{})).must(t)
	if key.Key == nil || *key.Key == "" {
		t.Error("a key-auth credential created without key got none generated")
	}
	if got := res(client.KeyAuths.GetByID(ctx(t), key.ID)).must(t); *got.Key != *key.Key {
		t.Errorf("key-auth by id has key %s", *got.Key)
	}

	sni := res(client.SNIs.Create(ctx(t), &kong.SNI{Name: kong.String(uniqueName("n") + ".example.test"),
		Certificate: &kong.Certificate{ID: f.certificate().ID}})).must(t)
	snis, _ := res2(client.SNIs.ListForCertificate(ctx(t), f.certificate().ID, nil)).must(t)
	if len(snis) != 1 || *snis[0].Name != *sni.Name {
		t.Errorf("SNIs of the certificate: %v", snis)
	}
	withSNIs := res(client.Certificates.Get(ctx(t), f.certificate().ID)).must(t)
	if len(withSNIs.SNIs) != 1 || *withSNIs.SNIs[0] != *sni.Name {
		t.Errorf("certificate's snis field: %v", kong.StringValue(withSNIs.SNIs[0]))
	}

	for _, target := range []string{"a.internal:80", "b.internal:80"} {
		res(client.Targets.Create(ctx(t), f.upstream().Name, &kong.Target{Target: kong.String(target)})).must(t)
	}
	if targets := res(client.Targets.ListAll(ctx(t), f.upstream().Name)).must(t); len(targets) != 2 {
		t.Errorf("targets of the upstream: %d, want 2", len(targets))
	}
	if err := client.Targets.Delete(ctx(t), f.upstream().Name, kong.String("a.internal:80")); err != nil {
		t.Errorf("deleting a target by host:port: %v", err)
	}
}

func TestSchemasAndValidationThroughGoKong(t *testing.T) {
	for _, entity := range []string{"services", "routes", "consumers", "plugins", "upstreams", "targets",
		"certificates", "snis", "ca_certificates"} {
		schema := res(client.Schemas.Get(ctx(t), entity)).must(t)
		if _, ok := schema["fields"]; !ok {
			t.Errorf("schema of %s has no fields", entity)
		}
	}
	valid, msg := res2(client.Schemas.Validate(ctx(t), kong.EntityTypeServices, &kong.Service{Name: kong.String("v")})).must(t)
	if valid || msg == "" {
		t.Errorf("a service without host validated (%v, %q)", valid, msg)
	}
	valid, msg = res2(client.Routes.Validate(ctx(t), &kong.Route{Paths: kong.StringSlice("/ok")})).must(t)
	if !valid {
		t.Errorf("a route with a path did not validate: %s", msg)
	}
	valid, _ = res2(client.Plugins.Validate(ctx(t), &kong.Plugin{Name: kong.String("rate-limiting"),
		Config: kong.Configuration{"minute": -1}})).must(t)
	if valid {
		t.Error("rate-limiting with minute -1 validated")
	}
}

func TestEveryServedPluginIsConfiguredThroughGoKong(t *testing.T) {
	info := res(client.Root(ctx(t))).must(t)
	available, _ := info["plugins"].(map[string]any)["available_on_server"].(map[string]any)
	if len(available) == 0 {
		t.Fatal("GET / lists no plugins available on the server")
	}
	f := newFixture(t)
	for name := range available {
		t.Run(name, func(t *testing.T) {
			schema := res(client.Plugins.GetFullSchema(ctx(t), kong.String(name))).must(t)
			if _, ok := schema["fields"]; !ok {
				t.Fatalf("schema of %s has no fields", name)
			}
			sample := &kong.Plugin{Name: kong.String(name), Config: pluginSamples[name]}
			if appliesToServices(schema) {
				sample.Service = &kong.Service{ID: f.service().ID}
			}
			plugin, err := client.Plugins.Create(ctx(t), sample)
			if err != nil {
				if _, sampled := pluginSamples[name]; !sampled && apiStatus(err) == http.StatusBadRequest {
					t.Skipf("%s needs a config: add one to pluginSamples (%v)", name, err)
				}
				t.Fatal(err)
			}
			defer func() { _ = client.Plugins.Delete(context.Background(), plugin.ID) }()
			// Defaults are filled as Kong fills them: every value go-kong's schema-driven filling
			// computes is what the server stored. The server holds more: the deprecated shorthand
			// fields Kong answers (also inside records, acme's storage_config.redis.auth) and
			// records without fields ({}), which go-kong's filling leaves out.
			filled := clone(t, &kong.Plugin{Name: kong.String(name), Config: pluginSamples[name].DeepCopy()})
			if err := kong.FillPluginsDefaults(filled, schema); err != nil {
				t.Fatal(err)
			}
			for field, value := range filled.Config {
				assertStoredHolds(t, "config."+field, plugin.Config[field], value)
			}
		})
	}
}

// appliesToServices: false for a plugin that runs only globally (acme), whose schema pins
// the service to null (Kong's typedefs.no_service: "eq": null).
func appliesToServices(schema kong.Schema) bool {
	fields, _ := schema["fields"].([]any)
	for _, f := range fields {
		service, ok := f.(map[string]any)["service"].(map[string]any)
		if !ok {
			continue
		}
		eq, pinned := service["eq"]
		return !pinned || eq != nil
	}
	return true
}

// assertStoredHolds: the stored value is the expected one, where an expected object needs only
// its own keys in the stored object.
func assertStoredHolds(t *testing.T, path string, stored, expected any) {
	t.Helper()
	want, isObject := expected.(map[string]any)
	got, storedObject := stored.(map[string]any)
	if !isObject || !storedObject {
		if dumpJSON(stored) != dumpJSON(expected) {
			t.Errorf("%s stored as %s, go-kong's defaults say %s", path, dumpJSON(stored), dumpJSON(expected))
		}
		return
	}
	for key, value := range want {
		if _, ok := got[key]; !ok {
			t.Errorf("%s.%s is not stored, go-kong's defaults say %s", path, key, dumpJSON(value))
			continue
		}
		assertStoredHolds(t, path+"."+key, got[key], value)
	}
}
