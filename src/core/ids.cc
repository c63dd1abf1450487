#include "kongdb/core/ids.h"

#include <sys/random.h>

#include <chrono>
#include <cstdio>

namespace kongdb {
namespace {

void fill_random(unsigned char* buf, size_t n) {
  size_t got = 0;
  while (got < n) {
    ssize_t r = getrandom(buf + got, n - got, 0);
    if (r > 0) got += static_cast<size_t>(r);
  }
}

class SystemClock final : public Clock {
 public:
  double now() const override {
    using namespace std::chrono;
    auto ms = duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
    return static_cast<double>(ms) / 1000.0;  // ngx.now() has millisecond resolution
  }
};

class RandomIds final : public IdGenerator {
 public:
  std::string uuid() override {
    unsigned char b[16];
    fill_random(b, sizeof b);
    b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);
    b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);
    char out[37];
    std::snprintf(out, sizeof out,
                  "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0],
                  b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
                  b[14], b[15]);
    return out;
  }

  std::string random_string() override {
    static constexpr char kAlphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    unsigned char b[32];
    fill_random(b, sizeof b);
    std::string out(32, ' ');
    for (size_t i = 0; i < out.size(); ++i) {
      out[i] = kAlphabet[b[i] % 62];
    }
    return out;
  }
};

}  // namespace

Clock& system_clock() {
  static SystemClock clock;
  return clock;
}

IdGenerator& random_ids() {
  static thread_local RandomIds ids;
  return ids;
}

std::string SequentialIds::uuid() {
  char out[37];
  std::snprintf(out, sizeof out, "00000000-0000-4000-8000-%012llx",
                static_cast<unsigned long long>(++next_));
  return out;
}

std::string SequentialIds::random_string() {
  char out[33];
  std::snprintf(out, sizeof out, "random%026llu", static_cast<unsigned long long>(++next_));
  return out;
}

bool is_valid_uuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
      return false;
    }
  }
  return true;
}

}  // namespace kongdb
