// Embedding kongdb: open a database through the composition root, insert services, page
// through them, and show Kong's error object for a duplicate name.
//   embed FILE.sqlite
#include <iostream>
#include <optional>
#include <string>

#include "kongdb/app/open.h"
#include "kongdb/core/json.h"
#include "kongdb/dao/dao.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: embed FILE.sqlite\n";
    return 2;
  }
  kongdb::Config config;  // Kong's defaults; Config::load("kongdb.conf") reads a file and KONG_*
  config.database = "sqlite";
  config.sqlite_path = argv[1];
  auto db = kongdb::app::open_db(config, std::cerr);  // a new file is bootstrapped on the way
  if (!db) {
    std::cerr << "cannot open the database: " << db.error() << "\n";
    return 1;
  }
  kongdb::dao::DAO& services = *(*db)->dao("services");

  for (int i = 1; i <= 5; ++i) {
    const std::string n = std::to_string(i);
    auto inserted = services.insert(kongdb::Value::object(
        {{"name", "service-" + n}, {"url", "http://upstream-" + n + ".example:8080/api"}}));
    if (!inserted) {
      std::cerr << inserted.error().to_string() << "\n";
      return 1;
    }
  }

  // Pages of two, each handing the offset of the next, as the Admin API does.
  std::optional<std::string> offset;
  int page_number = 0;
  do {
    auto page = services.page(2, offset);
    if (!page) {
      std::cerr << page.error().to_string() << "\n";
      return 1;
    }
    std::cout << "page " << ++page_number << ":";
    for (const kongdb::Value& row : page->rows) std::cout << " " << row.find("name")->as_string();
    std::cout << "\n";
    offset = page->offset;
  } while (offset);

  auto duplicate = services.insert(kongdb::Value::object({{"name", "service-1"}, {"url", "http://elsewhere.example"}}));
  if (duplicate) {
    std::cerr << "a second service-1 was accepted\n";
    return 1;
  }
  std::cout << "duplicate: " << kongdb::json::encode(duplicate.error().to_value()) << "\n";
  return 0;
}
