// libFuzzer target: arbitrary bytes -> JSON -> insert validation of every entity.
// Any input must yield a Value or Kong's error object; never a crash or an escaping exception.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "kongdb/core/json.h"
#include "kongdb/schema/registry.h"
#include "kongdb/schema/validation.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const kongdb::schema::EntityRegistry registry =
      kongdb::schema::EntityRegistry::with_core_entities();
  static kongdb::FixedClock clock(1700000000);
  static kongdb::SequentialIds ids;
  auto parsed = kongdb::json::parse(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!parsed) return 0;
  kongdb::schema::AutoFieldsOptions opts;
  opts.clock = &clock;
  opts.ids = &ids;
  for (const kongdb::schema::Schema* s : registry.all()) {
    auto r = kongdb::schema::prepare_insert(*s, *parsed, opts);
    if (!r) (void)r.error().message.size();
    (void)s->validate(*parsed, false);
  }
  return 0;
}
