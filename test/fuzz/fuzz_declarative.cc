// libFuzzer target: arbitrary bytes -> the declarative reader (YAML, or JSON when the first
// byte is '{') -> flatten over the core registry -> the error tree in every form, or the YAML
// writer on success. Any input must give entities or Kong's error; never a crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "kongdb/declarative/declarative.h"
#include "kongdb/schema/registry.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const kongdb::schema::EntityRegistry registry = kongdb::schema::EntityRegistry::with_core_entities();
  static kongdb::SequentialIds ids;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto format = !text.empty() && text.front() == '{' ? kongdb::declarative::Format::Json
                                                           : kongdb::declarative::Format::Yaml;
  kongdb::declarative::Limits limits;
  limits.max_alias_nodes = 100000;  // keeps each run fast; the bound itself is what is tested
  auto document = kongdb::declarative::decode(text, format, limits);
  if (!document) return 0;
  auto entities = kongdb::declarative::flatten(registry, *document, &ids);
  if (!entities) {
    (void)kongdb::declarative::pretty_print(entities.error().fields).size();
    (void)kongdb::declarative::flatten_errors(registry, *document, entities.error().fields);
    return 0;
  }
  auto yaml = kongdb::declarative::to_yaml(*document);
  if (yaml) (void)kongdb::declarative::decode(*yaml, kongdb::declarative::Format::Yaml);
  return 0;
}
