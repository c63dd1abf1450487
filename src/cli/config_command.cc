#include "cli/config_command.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <variant>

#include "kongdb/app/open.h"
#include "kongdb/core/json.h"
#include "kongdb/dao/db.h"
#include "kongdb/declarative/declarative.h"

namespace kongdb::cli {
namespace {

constexpr const char* kDefaultFile = "kong.yml";

// "\r<verb> 12000/100000 entities (48000/s, ETA 2s)", redrawn at most ten times a second.
class ProgressLine {
 public:
  ProgressLine(std::ostream& err, std::string verb, bool enabled)
      : err_(err), verb_(std::move(verb)), enabled_(enabled), start_(Clock::now()) {}

  void update(size_t done, size_t total) {
    if (!enabled_) return;
    const auto now = Clock::now();
    if (done != total && now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    const double seconds = std::chrono::duration<double>(now - start_).count();
    const double rate = seconds > 0 ? static_cast<double>(done) / seconds : 0;
    char line[160];
    if (total > 0) {
      const double eta = rate > 0 ? static_cast<double>(total - done) / rate : 0;
      std::snprintf(line, sizeof line, "\r%s %zu/%zu entities (%.0f/s, ETA %.0fs)  ", verb_.c_str(), done, total,
                    rate, eta);
    } else {
      std::snprintf(line, sizeof line, "\r%s %zu entities (%.0f/s)  ", verb_.c_str(), done, rate);
    }
    err_ << line << std::flush;
    drawn_ = true;
  }
  void finish() {
    if (drawn_) err_ << "\n";
  }

 private:
  using Clock = std::chrono::steady_clock;
  std::ostream& err_;
  std::string verb_;
  bool enabled_;
  Clock::time_point start_;
  Clock::time_point last_{};
  bool drawn_ = false;
};

class Reporter {
 public:
  Reporter(const ConfigRequest& req, std::ostream& out, std::ostream& err) : req_(req), out_(out), err_(err) {}

  void log(const std::string& line) const {
    if (!req_.quiet && !req_.json) out_ << line << "\n";
  }
  int fail(const std::string& message) const {
    if (req_.json) {
      out_ << json::encode_pretty(Value::object({{"message", message}})) << "\n";
    } else {
      err_ << "Error: " << message << "\n";
    }
    return 1;
  }
  // A declarative error: Kong's error object (with flattened_errors) or its CLI text.
  int fail_parsing(const Error& e, const schema::EntityRegistry& registry, const Value* document) const {
    if (req_.json) {
      Value body = e.to_value();
      if (document && e.fields.is_object() && !e.fields.find("error")) {
        body.as_object().set("flattened_errors", declarative::flatten_errors(registry, *document, e.fields));
      }
      out_ << json::encode_pretty(body) << "\n";
      return 1;
    }
    const Value* plain = e.fields.is_object() ? e.fields.find("error") : nullptr;
    const std::string text = plain && plain->is_string() ? plain->as_string() : declarative::pretty_print(e.fields);
    err_ << "Error: Failed parsing:\n" << text << "\n";
    return 1;
  }

 private:
  const ConfigRequest& req_;
  std::ostream& out_;
  std::ostream& err_;
};

int run_init(const ConfigRequest& req, const Reporter& report) {
  const std::string file = req.file.value_or(kDefaultFile);
  if (std::filesystem::exists(file)) return report.fail(file + " already exists. Will not overwrite it.");
  std::ofstream out(file);
  out << declarative::example_file();
  if (!out) return report.fail("cannot write " + file);
  return 0;
}

struct Parsed {
  Value document;
  declarative::Entities entities;
};

// Decodes and flattens FILE; on failure reports and gives the exit code.
std::variant<Parsed, int> parse_file(const ConfigRequest& req, const schema::EntityRegistry& registry,
                                     const Reporter& report) {
  if (!req.file) return report.fail("expected a declarative configuration file; see `kongdb config --help`");
  auto document = declarative::decode_file(*req.file);
  if (!document) return report.fail_parsing(document.error(), registry, nullptr);
  auto entities = declarative::flatten(registry, *document);
  if (!entities) return report.fail_parsing(entities.error(), registry, &*document);
  return Parsed{std::move(*document), std::move(*entities)};
}

Value counts_of(const declarative::Entities& entities) {
  Object by_entity;
  for (const auto& c : entities.collections) by_entity.append(c.schema->name, Value(static_cast<int64_t>(c.rows.size())));
  return Value(std::move(by_entity));
}

int run_parse(const Config& config, const ConfigRequest& req, const Reporter& report, std::ostream& out) {
  auto registry = app::configured_registry(config);
  if (!registry) return report.fail(registry.error());
  auto parsed = parse_file(req, *registry->registry, report);
  if (auto* code = std::get_if<int>(&parsed)) return *code;
  const auto& entities = std::get<Parsed>(parsed).entities;
  if (req.json) {
    out << json::encode_pretty(Value::object({{"entities", static_cast<int64_t>(entities.count())},
                                              {"by_entity", counts_of(entities)}}))
        << "\n";
  }
  report.log("parse successful");
  return 0;
}

int run_import(const Config& config, const ConfigRequest& req, const Reporter& report, std::ostream& out,
               std::ostream& err) {
  std::ostringstream open_log;
  auto db = app::open_db(config, open_log);
  if (!db) return report.fail(db.error());
  auto parsed = parse_file(req, (*db)->registry(), report);
  if (auto* code = std::get_if<int>(&parsed)) return *code;
  const auto& entities = std::get<Parsed>(parsed).entities;
  report.log("parse successful, beginning import");
  ProgressLine progress(err, "importing", req.progress && !req.quiet);
  auto written = declarative::load_into_db(**db, entities, {.progress = [&](size_t done, size_t total) {
                                                              progress.update(done, total);
                                                            }});
  progress.finish();
  if (!written) {
    if (req.json) {
      out << json::encode_pretty(written.error().to_value()) << "\n";
      return 1;
    }
    err << "Error: Failed importing:\n" << written.error().to_string() << "\n";
    return 1;
  }
  if (req.json) {
    out << json::encode_pretty(Value::object({{"imported", static_cast<int64_t>(*written)},
                                              {"by_entity", counts_of(entities)}}))
        << "\n";
  }
  report.log("import successful");
  return 0;
}

int run_export(const Config& config, const ConfigRequest& req, const Reporter& report, std::ostream& out,
               std::ostream& err) {
  const std::string file = req.file.value_or(kDefaultFile);
  const bool to_stdout = file == "-";
  if (!to_stdout && std::filesystem::exists(file)) return report.fail(file + " already exists. Will not overwrite it.");
  std::ostringstream open_log;
  auto db = app::open_db(config, open_log);
  if (!db) return report.fail(db.error());
  ProgressLine progress(err, "exporting", req.progress && !req.quiet);
  auto document = declarative::export_from_db(**db, {.progress = [&](size_t read) { progress.update(read, 0); }});
  progress.finish();
  if (!document) return report.fail(document.error().to_string());
  const bool as_json = req.json || (!to_stdout && file.size() >= 5 && file.substr(file.size() - 5) == ".json");
  std::string text;
  if (as_json) {
    text = json::encode_pretty(*document) + "\n";
  } else {
    auto yaml = declarative::to_yaml(*document);
    if (!yaml) return report.fail(yaml.error().message);
    text = std::move(*yaml);
  }
  if (to_stdout) {
    out << text;
    return 0;
  }
  // Written beside the target and renamed, so a failed export leaves no half file.
  const std::string partial = file + ".partial";
  {
    std::ofstream f(partial, std::ios::binary);
    f << text;
    if (!f.flush()) {
      std::filesystem::remove(partial);
      return report.fail("cannot write " + file);
    }
  }
  std::error_code ec;
  std::filesystem::rename(partial, file, ec);
  if (ec) return report.fail("cannot write " + file + ": " + ec.message());
  return 0;
}

}  // namespace

int run_config(const Config& config, const ConfigRequest& req, std::ostream& out, std::ostream& err) {
  Reporter report(req, out, err);
  if (req.command == "init") return run_init(req, report);
  if (req.command == "parse") return run_parse(config, req, report, out);
  if (config.database == "off") {
    return report.fail("'kongdb config " + req.command + "' only works with a database.");
  }
  if (req.command == "db_import") return run_import(config, req, report, out, err);
  if (req.command == "db_export") return run_export(config, req, report, out, err);
  return report.fail("unknown command '" + req.command + "'");
}

}  // namespace kongdb::cli
