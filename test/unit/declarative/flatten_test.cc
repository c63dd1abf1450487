// declarative::flatten over the core registry: nesting, Kong 3.9's ids, references, validation
// and Kong's error tree (and its flatten_errors form).
#include <gtest/gtest.h>

#include "declarative/error_tree.h"
#include "kongdb/core/json.h"
#include "kongdb/declarative/declarative.h"

namespace kongdb::declarative {
namespace {

const schema::EntityRegistry& registry() {
  static const schema::EntityRegistry reg = schema::EntityRegistry::with_core_entities();
  return reg;
}

Value yaml(const std::string& text) {
  auto doc = decode(text, Format::Yaml);
  EXPECT_TRUE(doc) << doc.error().message;
  return doc ? *doc : Value();
}

const Collection* collection(const Entities& e, const std::string& name) {
  for (const Collection& c : e.collections) {
    if (c.schema->name == name) return &c;
  }
  return nullptr;
}

const Value* row_named(const Entities& e, const std::string& entity, const std::string& field, const Value& value) {
  const Collection* c = collection(e, entity);
  if (!c) return nullptr;
  for (const Value& row : c->rows) {
    if (const Value* v = row.find(field); v && *v == value) return &row;
  }
  return nullptr;
}

// The error tree of a file that must fail.
Value error_tree(const std::string& text) {
  auto flat = flatten(registry(), yaml(text));
  EXPECT_FALSE(flat);
  if (flat) return Value();
  EXPECT_EQ(flat.error().code, ErrorCode::DeclarativeConfig);
  return flat.error().fields;
}

TEST(DeclarativeFlatten, NestedEntitiesAreLiftedOutWithTheirParentsKey) {
  auto flat = flatten(registry(), yaml(R"(
_format_version: "3.0"
services:
- name: s1
  url: http://example.com
  routes:
  - name: r1
    paths: [/a]
    plugins:
    - name: key-auth
consumers:
- username: alice
  keyauth_credentials:
  - key: k1
upstreams:
- name: u1
  targets:
  - target: 10.0.0.1:80
)"));
  ASSERT_TRUE(flat) << flat.error().message;
  EXPECT_EQ(flat->count(), 7u);
  const Value* service = row_named(*flat, "services", "name", Value("s1"));
  const Value* route = row_named(*flat, "routes", "name", Value("r1"));
  const Value* plugin = row_named(*flat, "plugins", "name", Value("key-auth"));
  const Value* consumer = row_named(*flat, "consumers", "username", Value("alice"));
  const Value* credential = row_named(*flat, "keyauth_credentials", "key", Value("k1"));
  const Value* upstream = row_named(*flat, "upstreams", "name", Value("u1"));
  const Value* target = row_named(*flat, "targets", "target", Value("10.0.0.1:80"));
  ASSERT_TRUE(service && route && plugin && consumer && credential && upstream && target);
  EXPECT_EQ(*route->find("service"), Value::object({{"id", *service->find("id")}}));
  EXPECT_EQ(*plugin->find("route"), Value::object({{"id", *route->find("id")}}));
  EXPECT_EQ(*credential->find("consumer"), Value::object({{"id", *consumer->find("id")}}));
  EXPECT_EQ(*target->find("upstream"), Value::object({{"id", *upstream->find("id")}}));
  // Defaults are filled as an insert fills them.
  EXPECT_EQ(*service->find("retries"), Value(5));
  // Parents come before children.
  std::vector<std::string> order;
  for (const Collection& c : flat->collections) order.push_back(c.schema->name);
  auto pos = [&](const std::string& n) { return std::find(order.begin(), order.end(), n) - order.begin(); };
  EXPECT_LT(pos("services"), pos("routes"));
  EXPECT_LT(pos("routes"), pos("plugins"));
  EXPECT_LT(pos("consumers"), pos("keyauth_credentials"));
}

TEST(DeclarativeFlatten, IdsAreKongs39UuidV5WhereKongMakesThemStable) {
  auto flat = flatten(registry(), yaml(R"(
_format_version: "3.0"
services:
- name: s1
  url: http://example.com
  plugins:
  - name: key-auth
consumers:
- username: alice
- custom_id: no-username
upstreams:
- name: u1
  targets:
  - target: 10.0.0.1:80
)"));
  ASSERT_TRUE(flat) << flat.error().message;
  // uuid5(uuid5(fd02801f-0957-4a15-a55a-c8d9606f30b5, "services"), "s1"), as Python's uuid computes it.
  EXPECT_EQ(*row_named(*flat, "services", "name", Value("s1"))->find("id"),
            Value("356ebaf8-b7af-5cba-99a1-f392e34730ab"));
  EXPECT_EQ(*row_named(*flat, "consumers", "username", Value("alice"))->find("id"),
            Value("b32379d9-3d28-5683-a79c-72139be6e34f"));
  EXPECT_EQ(stable_id("services", "s1"), "356ebaf8-b7af-5cba-99a1-f392e34730ab");
  // A plugin's id comes from its cache key, with the parent's id in the parent's place.
  const Value* plugin = row_named(*flat, "plugins", "name", Value("key-auth"));
  EXPECT_EQ(*plugin->find("id"), Value(stable_id("plugins", "plugins:*:key-auth::356ebaf8-b7af-5cba-99a1-f392e34730ab:")));
  // A target's cache key holds its upstream's id.
  const std::string upstream_id = row_named(*flat, "upstreams", "name", Value("u1"))->find("id")->as_string();
  EXPECT_EQ(*row_named(*flat, "targets", "target", Value("10.0.0.1:80"))->find("id"),
            Value(stable_id("targets", "targets:*:" + upstream_id + ":10.0.0.1:80")));
  // Without an endpoint key the id is random, but present.
  const Value* anonymous = row_named(*flat, "consumers", "custom_id", Value("no-username"));
  ASSERT_TRUE(anonymous);
  EXPECT_TRUE(anonymous->find("id")->is_string());

  auto again = flatten(registry(), yaml("_format_version: \"3.0\"\nservices:\n- name: s1\n  url: http://example.com\n"));
  ASSERT_TRUE(again);
  EXPECT_EQ(*again->collections.front().rows.front().find("id"), Value("356ebaf8-b7af-5cba-99a1-f392e34730ab"));
}


TEST(DeclarativeFlatten, TopLevelEntitiesReferToOthersByNameOrById) {
  auto flat = flatten(registry(), yaml(R"(
_format_version: "2.1"
services:
- name: s1
  id: 0855b320-0dd2-547d-891d-601e9b38647f
  url: http://example.com
routes:
- name: by-name
  service: s1
  paths: [/a]
- name: by-id
  service: 0855b320-0dd2-547d-891d-601e9b38647f
  paths: [/b]
- name: by-record
  service: {id: 0855b320-0dd2-547d-891d-601e9b38647f}
  paths: [/c]
consumers:
- username: alice
keyauth_credentials:
- key: k1
  consumer: alice
)"));
  ASSERT_TRUE(flat) << flat.error().message;
  const Value service_key = Value::object({{"id", "0855b320-0dd2-547d-891d-601e9b38647f"}});
  for (const char* name : {"by-name", "by-id", "by-record"}) {
    EXPECT_EQ(*row_named(*flat, "routes", "name", Value(name))->find("service"), service_key) << name;
  }
  EXPECT_EQ(*row_named(*flat, "keyauth_credentials", "key", Value("k1"))->find("consumer"),
            Value::object({{"id", stable_id("consumers", "alice")}}));
}

TEST(DeclarativeFlatten, ADanglingReferenceIsReportedUnderTheReferringEntitysName) {
  const Value tree = error_tree(R"(
_format_version: "3.0"
routes:
- name: r1
  service: nowhere
  paths: [/a]
)");
  EXPECT_EQ(tree, Value::object({{"routes", Value::object({{"r1", Value::array({
      "invalid reference 'service: nowhere' (no such entry in 'services')"})}})}}))
      << json::encode(tree);
}

TEST(DeclarativeFlatten, ADuplicateNameIsAUniquenessViolationAtItsPosition) {
  const Value tree = error_tree(R"(
_format_version: "3.0"
services:
- name: s1
  url: http://a.example
- name: s1
  url: http://b.example
)");
  EXPECT_EQ(tree, Value::object({{"services", Value::array({Value(),
      "uniqueness violation: 'services' entity with name set to 's1' already declared"})}}))
      << json::encode(tree);
}

TEST(DeclarativeFlatten, ADuplicateEndpointKeyOfNestedEntitiesIsFiledByItsPositionUnderItsCollection) {
  const Value tree = error_tree(R"(
_format_version: "3.0"
consumers:
- username: a
  keyauth_credentials:
  - key: same
- username: b
  keyauth_credentials:
  - key: same
)");
  const Value* section = tree.find("keyauth_credentials");
  ASSERT_TRUE(section) << json::encode(tree);
  // Kong files it under the entity's own collection at its position in its (nested) list.
  EXPECT_EQ(*section, Value::array({"uniqueness violation: 'keyauth_credentials' entity with key set to 'same' already declared"}));
}

TEST(DeclarativeFlatten, UnknownCollectionsAndFieldsAreSchemaErrors) {
  const Value tree = error_tree(R"(
_format_version: "3.0"
not_an_entity: []
_not_meta: 1
services:
- name: s1
  url: http://example.com
  colour: blue
)");
  EXPECT_EQ(*tree.find("not_an_entity"), Value("unknown field"));
  EXPECT_EQ(*tree.find("_not_meta"), Value("unknown field"));
}

TEST(DeclarativeFlatten, UnknownFieldsOfEntitiesNestByCollectionAndPosition) {
  const Value tree = error_tree(R"(
_format_version: "3.0"
services:
- name: s1
  url: http://example.com
  routes:
  - name: ok
    paths: [/a]
  - name: bad
    paths: [/b]
    colour: blue
- name: s2
  host: example.com
  port: 99999
)");
  EXPECT_EQ(tree, json::parse(R"({"services":[{"routes":[null,{"colour":"unknown field"}]},
                                              {"port":"value should be between 0 and 65535"}]})").value())
      << json::encode(tree);
}

TEST(DeclarativeFlatten, TheFormatVersionIsRequiredAndOneOfKongs) {
  EXPECT_EQ(*error_tree("services: []\n").find("_format_version"), Value("required field missing"));
  EXPECT_EQ(*error_tree("_format_version: \"0.9\"\n").find("_format_version"),
            Value("expected one of: 1.1, 2.1, 3.0"));
  EXPECT_TRUE(flatten(registry(), yaml("_format_version: \"1.1\"\n_comment: hello\n_transform: false\n")));
}

TEST(DeclarativeFlatten, MetaKeysAreKeptTransformDefaultingToTrue) {
  auto flat = flatten(registry(), yaml("_format_version: \"3.0\"\n_comment: hi\n_workspace: default\n"));
  ASSERT_TRUE(flat);
  EXPECT_EQ(*flat->meta.find("_transform"), Value(true));
  EXPECT_EQ(*flat->meta.find("_comment"), Value("hi"));
  EXPECT_EQ(*error_tree("_format_version: \"3.0\"\n_workspace: other\n").find("_workspace"),
            Value("unknown workspace 'other' (this datastore has one workspace, 'default')"));
}

TEST(DeclarativeFlatten, NullCollectionsAreEmpty) {
  auto flat = flatten(registry(), yaml("_format_version: \"3.0\"\nservices:\nconsumers:\n- username: a\n  plugins: null\n"));
  ASSERT_TRUE(flat) << flat.error().message;
  EXPECT_EQ(flat->count(), 1u);
}

TEST(DeclarativeFlatten, ANestedEntityMayNotNameItsParent) {
  const Value tree = error_tree(R"(
_format_version: "3.0"
services:
- name: s1
  url: http://example.com
  routes:
  - name: r1
    service: s1
    paths: [/a]
)");
  EXPECT_EQ(tree, json::parse(R"({"services":[{"routes":[{"service":"value must be null"}]}]})").value())
      << json::encode(tree);
}

TEST(DeclarativeFlatten, AnEntryThatIsNotARecordOrACollectionThatIsNotAListIsAnError) {
  EXPECT_EQ(*error_tree("_format_version: \"3.0\"\nservices: {}\n").find("services"), Value("expected an array"));
  EXPECT_EQ(*error_tree("_format_version: \"3.0\"\nservices: [42]\n").find("services"),
            Value::array({"expected a record"}));
}

TEST(DeclarativeFlatten, OneBadEntityAmongManyIsFiledByItsPosition) {
  std::string text = "_format_version: \"3.0\"\nconsumers:\n";
  for (int i = 1; i <= 500; ++i) {
    text += i == 250 ? "- username: bad\n  colour: blue\n" : "- username: u" + std::to_string(i) + "\n";
  }
  const Value tree = error_tree(text);
  const Value* consumers = tree.find("consumers");
  ASSERT_TRUE(consumers && consumers->is_array()) << json::encode(tree);
  ASSERT_EQ(consumers->as_array().size(), 250u);
  EXPECT_EQ(consumers->as_array()[249], Value::object({{"colour", "unknown field"}}));
  EXPECT_TRUE(consumers->as_array()[0].is_null());
}

TEST(DeclarativeErrorTree, PositionsTooSparseForAnArrayBecomeAnObjectKeyedByPosition) {
  // cjson's rule as Kong sets it (encode_sparse_array(nil, nil, 2^15)).
  ErrorTree tree;
  tree.set({"consumers", size_t{40001}, "colour"}, Value("unknown field"));
  EXPECT_EQ(tree.value(),
            Value::object({{"consumers", Value::object({{"40001", Value::object({{"colour", "unknown field"}})}})}}));
  ErrorTree dense;
  dense.set({"consumers", size_t{3}}, Value("expected a record"));
  EXPECT_EQ(dense.value(), Value::object({{"consumers", Value::array({Value(), Value(), "expected a record"})}}));
}

TEST(DeclarativeErrorTree, ANameThatLooksLikeANumberStaysAName) {
  ErrorTree tree;
  tree.append({"routes", std::string("1")}, Value("invalid reference"));
  EXPECT_EQ(tree.value(), Value::object({{"routes", Value::object({{"1", Value::array({"invalid reference"})}})}}));
}

TEST(DeclarativeFlatten, FlattenErrorsListsEachFailingEntityWithNestedOnesHoisted) {
  const Value doc = yaml(R"(
_format_version: "3.0"
services:
- name: s1
  id: 0855b320-0dd2-547d-891d-601e9b38647f
  url: http://example.com
  tags: [t1]
  routes:
  - name: r1
    paths: [/a]
    colour: blue
  - name: r2
    paths: [/b]
- name: s2
  host: example.com
  port: 99999
)");
  auto flat = flatten(registry(), doc);
  ASSERT_FALSE(flat);
  const Value list = flatten_errors(registry(), doc, flat.error().fields);
  EXPECT_EQ(list, json::parse(R"([
    {"entity_name":"r1","entity_type":"route",
     "entity":{"name":"r1","paths":["/a"],"colour":"blue","service":{"id":"0855b320-0dd2-547d-891d-601e9b38647f"}},
     "errors":[{"type":"field","field":"colour","message":"unknown field"}]},
    {"entity_name":"s2","entity_type":"service",
     "entity":{"name":"s2","host":"example.com","port":99999},
     "errors":[{"type":"field","field":"port","message":"value should be between 0 and 65535"}]}
  ])").value()) << json::encode_pretty(list);
}

TEST(DeclarativeFlatten, PrettyPrintIsKongsCliText) {
  const Value tree = json::parse(R"({"services":[{"routes":[null,{"colour":"unknown field"}]}]})").value();
  EXPECT_EQ(pretty_print(tree),
            "in 'services':\n"
            "  - in entry 1 of 'services':\n"
            "    in 'routes':\n"
            "      - in entry 2 of 'routes':\n"
            "        in 'colour': unknown field");
}

}  // namespace
}  // namespace kongdb::declarative
