#include <algorithm>

#include "kongdb/strategy/backend.h"

namespace kongdb::strategy {

tl::expected<void, std::string> BackendRegistry::add(Backend backend) {
  if (find(backend.name)) return tl::unexpected("backend '" + backend.name + "' is registered twice");
  backends_.push_back(std::move(backend));
  return {};
}

const Backend* BackendRegistry::find(std::string_view name) const {
  for (const Backend& b : backends_) {
    if (b.name == name) return &b;
  }
  return nullptr;
}

std::vector<std::string> BackendRegistry::names() const {
  std::vector<std::string> out;
  for (const Backend& b : backends_) out.push_back(b.name);
  std::sort(out.begin(), out.end());
  return out;
}

tl::expected<OpenedConnector, std::string> BackendRegistry::open(std::string_view name, const Settings& settings,
                                                                 const OpenOptions& options) const {
  const Backend* backend = find(name);
  if (!backend) {
    std::string known;
    for (const std::string& n : names()) known += (known.empty() ? "" : ", ") + n;
    return tl::unexpected("database '" + std::string(name) + "' is not supported by this build (registered: " +
                          known + ")");
  }
  return backend->open(settings, options);
}

}  // namespace kongdb::strategy
