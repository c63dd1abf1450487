// What the targets DAO needs from the schema layer's host checks (src/schema/net.h stays
// private): Kong's format_target.
//
//   schema::normalize_target("10.0.0.1")   // "10.0.0.1:8000"
//   schema::normalize_target("[::1]:80")   // "[0000:...:0001]:80"
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace kongdb::schema {

/// Port of kong/db/dao/targets.lua format_target: "host:port" with the default port 8000,
/// IPv6 bracketed and expanded; nullopt when `target` is not a valid hostname or ip address.
std::optional<std::string> normalize_target(std::string_view target);

}  // namespace kongdb::schema
