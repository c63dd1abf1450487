// Clock and IdGenerator: injected into everything that stamps time or mints ids, so tests
// are exact. `system_clock()` and `random_ids()` are the production instances.
//
//   FixedClock clock(1700000000.5);  SequentialIds ids;   // deterministic, for tests
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace kongdb {

class Clock {
 public:
  virtual ~Clock() = default;
  /// Seconds since the epoch with sub-second precision (ngx.now()).
  virtual double now() const = 0;
  /// Whole seconds since the epoch (ngx.time()).
  int64_t time() const { return static_cast<int64_t>(now()); }
};

class IdGenerator {
 public:
  virtual ~IdGenerator() = default;
  /// A random (version 4) UUID in lowercase text form.
  virtual std::string uuid() = 0;
  /// Kong's random_string(): 32 URL-safe alphanumeric characters, used for auto strings.
  virtual std::string random_string() = 0;
};

Clock& system_clock();
IdGenerator& random_ids();

/// A clock that only moves when told to.
class FixedClock final : public Clock {
 public:
  explicit FixedClock(double now) : now_(now) {}
  double now() const override { return now_; }
  void set(double now) { now_ = now; }
  void advance(double seconds) { now_ += seconds; }

 private:
  double now_;
};

/// Predictable ids: 00000000-0000-4000-8000-000000000001, ...; strings "random0000...0001".
class SequentialIds final : public IdGenerator {
 public:
  std::string uuid() override;
  std::string random_string() override;

 private:
  uint64_t next_ = 0;
};

/// True for 36-character 8-4-4-4-12 hex text, any case, any version (Kong's uuid validator).
bool is_valid_uuid(std::string_view s);

}  // namespace kongdb
