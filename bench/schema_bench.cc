// Schema validation cost per entity, against parsing the same JSON text alone (same run).
//   cmake --preset release && cmake --build --preset release --target kongdb_bench_schema
//   build/release/bench/kongdb_bench_schema
#include <benchmark/benchmark.h>

#include "kongdb/core/json.h"
#include "kongdb/schema/registry.h"
#include "kongdb/schema/validation.h"

namespace {

using namespace kongdb;

const schema::EntityRegistry& registry() {
  static const schema::EntityRegistry reg = schema::EntityRegistry::with_core_entities();
  return reg;
}

constexpr const char* kRoute =
    R"({"name":"r1","hosts":["example.com","*.example.org"],"paths":["/api","/v2/items"],)"
    R"("methods":["GET","POST"],"tags":["team-a","prod"],)"
    R"("service":{"id":"5e0a0a3b-6f0f-4b4a-8c5e-2b0c8f0a7e11"}})";
constexpr const char* kService = R"({"name":"mockbin","url":"http://mockbin.org:8080/request","tags":["demo"]})";

void parse_only(benchmark::State& state, const char* text) {
  for (auto _ : state) {
    auto v = json::parse(text);
    benchmark::DoNotOptimize(v);
  }
}

// Validate + process_auto_fields of an already-parsed entity: the schema engine's own cost.
void validate_parsed(benchmark::State& state, const char* entity, const char* text) {
  const schema::Schema* s = registry().get(entity);
  Value input = *json::parse(text);
  FixedClock clock(1700000000);
  SequentialIds ids;
  schema::AutoFieldsOptions opts;
  opts.clock = &clock;
  opts.ids = &ids;
  for (auto _ : state) {
    auto r = schema::prepare_insert(*s, input, opts);
    if (!r) state.SkipWithError(r.error().message.c_str());
    benchmark::DoNotOptimize(r);
  }
}

// Parse + validate: what the CLI and Admin API pay per request body.
void parse_and_validate(benchmark::State& state, const char* entity, const char* text) {
  const schema::Schema* s = registry().get(entity);
  FixedClock clock(1700000000);
  SequentialIds ids;
  schema::AutoFieldsOptions opts;
  opts.clock = &clock;
  opts.ids = &ids;
  for (auto _ : state) {
    auto r = schema::prepare_insert(*s, *json::parse(text), opts);
    benchmark::DoNotOptimize(r);
  }
}

}  // namespace

BENCHMARK_CAPTURE(parse_only, route, kRoute);
BENCHMARK_CAPTURE(validate_parsed, route, "routes", kRoute);
BENCHMARK_CAPTURE(parse_and_validate, route, "routes", kRoute);
BENCHMARK_CAPTURE(parse_only, service_url, kService);
BENCHMARK_CAPTURE(validate_parsed, service_url, "services", kService);
BENCHMARK_CAPTURE(parse_and_validate, service_url, "services", kService);
