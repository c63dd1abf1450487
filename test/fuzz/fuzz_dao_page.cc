// libFuzzer target: arbitrary bytes as a page offset token and as a DAO options object, against
// a real (in-memory) SQLite store. Must yield rows or Kong's error object; never a crash.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "kongdb/core/json.h"
#include "kongdb/dao/db.h"
#include "kongdb/migrations/migrations.h"
#include "kongdb/strategy/sqlite.h"

namespace {

kongdb::dao::DB& db() {
  static std::unique_ptr<kongdb::dao::DB> instance = [] {
    auto registry = std::make_shared<const kongdb::schema::EntityRegistry>(
        kongdb::schema::EntityRegistry::with_core_entities());
    auto connector = kongdb::strategy::open_sqlite({""});
    if (!connector) std::abort();
    std::ostringstream log;
    kongdb::migrations::Runner runner(**connector, *registry);
    if (!runner.bootstrap(log)) std::abort();
    auto created = kongdb::dao::DB::create(std::move(*connector), registry);
    if (!created) std::abort();
    for (int i = 0; i < 5; ++i) {
      (void)(*created)->operator[]("consumers").insert(
          kongdb::Value::object({{"username", "u" + std::to_string(i)}, {"tags", kongdb::Value::array({"t"})}}));
    }
    return std::move(*created);
  }();
  return *instance;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string input(reinterpret_cast<const char*>(data), size);
  kongdb::dao::DAO& consumers = db()["consumers"];
  // The whole input as an offset token.
  auto page = consumers.page(2, input);
  if (!page) (void)page.error().message.size();
  // The whole input as options, when it parses as JSON.
  if (auto options = kongdb::json::parse(input)) {
    auto listed = consumers.page(2, std::nullopt, *options);
    if (!listed) (void)listed.error().message.size();
    auto selected = consumers.select_by("username", kongdb::Value("u1"), *options);
    if (!selected) (void)selected.error().message.size();
  }
  return 0;
}
