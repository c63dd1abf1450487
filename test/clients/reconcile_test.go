package clients

import (
	"reflect"
	"testing"

	"github.com/blang/semver/v4"
	"github.com/kong/go-database-reconciler/pkg/diff"
	"github.com/kong/go-database-reconciler/pkg/dump"
	"github.com/kong/go-database-reconciler/pkg/file"
	"github.com/kong/go-database-reconciler/pkg/schema"
	"github.com/kong/go-database-reconciler/pkg/state"
	"github.com/kong/go-database-reconciler/pkg/utils"
	"github.com/kong/go-kong/kong"
	"sigs.k8s.io/yaml"
)

// stateFile holds every core entity and credential type kongdb serves (see its header).
const stateFile = "testdata/state.yaml"

// reconciler runs decK's engine (go-database-reconciler) the way `deck gateway sync|diff|dump`
// does: read the server's state, render the target file against it, solve the difference.
type reconciler struct {
	t        *testing.T
	version  semver.Version
	registry *schema.Registry
}

func newReconciler(t *testing.T) *reconciler {
	root := res(client.Root(ctx(t))).must(t)
	version := res(utils.ParseKongVersion(kong.VersionFromInfo(root))).must(t)
	return &reconciler{t: t, version: version, registry: schema.NewRegistry(client, false)}
}

func (r *reconciler) dumpConfig() dump.Config {
	return dump.Config{IsConsumerGroupScopedPluginSupported: true, SchemaRegistry: r.registry}
}

// current is the server's state as decK dumps it.
func (r *reconciler) current() *state.KongState {
	r.t.Helper()
	raw := res(dump.Get(ctx(r.t), client, r.dumpConfig())).must(r.t)
	return res(state.Get(raw)).must(r.t)
}

// render is the target content as decK reads it against the current state.
func (r *reconciler) render(content *file.Content, current *state.KongState) *utils.KongRawState {
	r.t.Helper()
	return res(file.Get(ctx(r.t), content.DeepCopy(), file.RenderConfig{CurrentState: current, KongVersion: r.version},
		r.dumpConfig(), client)).must(r.t)
}

// solve syncs the server to content (dry: only counts what a sync would do, like `deck diff`).
func (r *reconciler) solve(content *file.Content, dry bool) diff.Stats {
	r.t.Helper()
	current := r.current()
	target := res(state.Get(r.render(content, current))).must(r.t)
	logf := func(a ...any) { r.t.Log(a...) }
	syncer := res(diff.NewSyncer(diff.SyncerOpts{
		CurrentState: current, TargetState: target, KongClient: client, SchemaRegistry: r.registry,
		SilenceWarnings: true, CreatePrintln: logf, UpdatePrintln: logf, DeletePrintln: logf,
	})).must(r.t)
	stats, errs, _ := syncer.Solve(ctx(r.t), 4, dry, false)
	if len(errs) > 0 {
		r.t.Fatalf("sync (dry=%v) failed: %v", dry, utils.ErrArray{Errors: errs})
	}
	return stats
}

// dump is the server's state as the content of a decK file, with ids, as `deck gateway dump
// --with-id` writes it.
func (r *reconciler) dump() *file.Content {
	r.t.Helper()
	content := res(file.KongStateToContent(r.current(), file.WriteConfig{WithID: true, KongVersion: r.version.String()})).must(r.t)
	// decK's writer (go-database-reconciler v1.41.1) puts the whole key set (name, tags) in a
	// key's `set`, and its own diff then finds that key changed against the server's {id}: a
	// dump of real Kong does the same. The reference is kept as the server gives it.
	for i := range content.Keys {
		if set := content.Keys[i].Set; set != nil {
			content.Keys[i].Set = &kong.KeySet{ID: set.ID}
		}
	}
	return content
}

// entityCount is how many entities a state holds, over every entity kind decK knows.
func entityCount(raw *utils.KongRawState) int {
	n := 0
	v := reflect.ValueOf(raw).Elem()
	for i := 0; i < v.NumField(); i++ {
		if v.Field(i).Kind() == reflect.Slice {
			n += v.Field(i).Len()
		}
	}
	return n
}

type opCounts struct{ create, update, delete int32 }

func counts(s diff.Stats) opCounts {
	return opCounts{s.CreateOps.Count(), s.UpdateOps.Count(), s.DeleteOps.Count()}
}

func readStateFile(t *testing.T) *file.Content {
	return res(file.GetContentFromFiles([]string{stateFile}, false)).must(t)
}

var emptyState = &file.Content{FormatVersion: "3.0"}

// comparableDump is a dump as YAML, to compare two dumps. Basic-auth passwords are left out:
// Kong stores a password as its salted hash, so restoring a dump stores the hash of that hash
// (decK warns that basic-auth credentials do not survive export and import).
func comparableDump(t *testing.T, dumped *file.Content) string {
	c := dumped.DeepCopy()
	for _, consumer := range c.Consumers {
		for _, cred := range consumer.BasicAuths {
			cred.Password = nil
		}
	}
	return string(res(yaml.Marshal(c)).must(t))
}

func TestDecksEngineSyncsDiffsAndDumpsEveryEntityType(t *testing.T) {
	r := newReconciler(t)
	want := readStateFile(t)
	r.solve(emptyState, false)
	t.Cleanup(func() { r.solve(emptyState, false) })
	total := entityCount(r.render(want, r.current()))
	if total < 20 {
		t.Fatalf("%s renders to only %d entities", stateFile, total)
	}

	var dumped *file.Content
	t.Run("sync of the state file to an empty server creates every entity", func(t *testing.T) {
		r.t = t
		if got := counts(r.solve(want, false)); got != (opCounts{create: int32(total)}) {
			t.Fatalf("sync did %+v, want %d creates", got, total)
		}
	})
	t.Run("diff right after the sync finds nothing to do", func(t *testing.T) {
		r.t = t
		if got := counts(r.solve(want, true)); got != (opCounts{}) {
			t.Fatalf("diff found %+v", got)
		}
	})
	t.Run("dump holds every entity of the state file", func(t *testing.T) {
		r.t = t
		dumped = r.dump()
		if got := entityCount(r.render(dumped, r.current())); got != total {
			t.Fatalf("the dump renders to %d entities, want %d:\n%s", got, total, res(yaml.Marshal(dumped)).must(t))
		}
		if got := counts(r.solve(dumped, true)); got != (opCounts{}) {
			t.Fatalf("diff of the dump against the server found %+v", got)
		}
	})
	t.Run("the dump synced to an emptied server gives back the same state", func(t *testing.T) {
		r.t = t
		if dumped == nil {
			t.Skip("no dump")
		}
		if got := counts(r.solve(emptyState, false)); got.delete == 0 || got.create != 0 || got.update != 0 {
			t.Fatalf("emptying the server did %+v", got)
		}
		if got := counts(r.solve(dumped, false)); got != (opCounts{create: int32(total)}) {
			t.Fatalf("sync of the dump did %+v, want %d creates", got, total)
		}
		if got := counts(r.solve(want, true)); got != (opCounts{}) {
			t.Fatalf("diff of the state file after restoring the dump found %+v", got)
		}
		again := r.dump()
		if a, b := comparableDump(t, dumped), comparableDump(t, again); a != b {
			t.Fatalf("second dump differs from the first:\nfirst:\n%s\nsecond:\n%s", a, b)
		}
	})
	t.Run("sync of a changed state updates, creates and deletes only what changed", func(t *testing.T) {
		r.t = t
		changed := readStateFile(t)
		changed.Services[0].Retries = kong.Int(7)
		changed.Routes = append(changed.Routes, file.FRoute{Route: kong.Route{
			Name: kong.String("refunds"), Paths: kong.StringSlice("/refunds"), Service: &kong.Service{Name: kong.String("billing")}}})
		changed.Consumers = changed.Consumers[:len(changed.Consumers)-1] // the consumer with no credentials
		got := counts(r.solve(changed, false))
		if got != (opCounts{create: 1, update: 1, delete: 1}) {
			t.Fatalf("sync did %+v, want 1 create, 1 update, 1 delete", got)
		}
		if got := counts(r.solve(changed, true)); got != (opCounts{}) {
			t.Fatalf("diff after the changed sync found %+v", got)
		}
		svc := res(client.Services.Get(ctx(t), kong.String("orders"))).must(t)
		if *svc.Retries != 7 {
			t.Errorf("orders has retries %d after the sync, want 7", *svc.Retries)
		}
	})
	t.Run("sync of an empty state deletes everything", func(t *testing.T) {
		r.t = t
		r.solve(emptyState, false)
		if got := entityCount(res(dump.Get(ctx(t), client, r.dumpConfig())).must(t)); got != 0 {
			t.Fatalf("%d entities left after syncing an empty state", got)
		}
	})
}
