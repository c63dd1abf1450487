#include "schema/lua_pattern.h"

#include <cstddef>

namespace kongdb::schema {
namespace {

constexpr size_t kNoMatch = std::string_view::npos;
constexpr char kEsc = '%';
// Same limits as the reference implementation (LUA_MAXCAPTURES, MAXCCALLS).
constexpr int kMaxCaptures = 32;
constexpr int kMaxDepth = 200;
constexpr ptrdiff_t kCapUnfinished = -1;
constexpr ptrdiff_t kCapPosition = -2;
// Characters that make string.find leave its plain-substring fast path.
constexpr std::string_view kSpecials = "^$*+?.([%-";

// C-locale classification done by hand so high bytes never reach <cctype>.
bool is_upper(unsigned char c) { return c >= 'A' && c <= 'Z'; }
bool is_lower(unsigned char c) { return c >= 'a' && c <= 'z'; }
bool is_alpha(unsigned char c) { return is_upper(c) || is_lower(c); }
bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
bool is_alnum(unsigned char c) { return is_alpha(c) || is_digit(c); }
bool is_space(unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }
bool is_cntrl(unsigned char c) { return c < 0x20 || c == 0x7f; }
bool is_punct(unsigned char c) { return c > 0x20 && c < 0x7f && !is_alnum(c); }
bool is_xdigit(unsigned char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
unsigned char to_lower(unsigned char c) {
  return is_upper(c) ? static_cast<unsigned char>(c - 'A' + 'a') : c;
}

// `cl` is the letter after '%'; unknown letters match themselves literally.
bool match_class(unsigned char c, unsigned char cl) {
  bool res;
  switch (to_lower(cl)) {
    case 'a': res = is_alpha(c); break;
    case 'c': res = is_cntrl(c); break;
    case 'd': res = is_digit(c); break;
    case 'l': res = is_lower(c); break;
    case 'p': res = is_punct(c); break;
    case 's': res = is_space(c); break;
    case 'u': res = is_upper(c); break;
    case 'w': res = is_alnum(c); break;
    case 'x': res = is_xdigit(c); break;
    case 'z': res = (c == 0); break;
    default: return cl == c;
  }
  return is_upper(cl) ? !res : res;
}

struct Capture {
  size_t init_ = 0;
  ptrdiff_t len_ = 0;
};

// Backtracking matcher working on byte offsets. Errors are sticky: once
// error_ is set every path returns kNoMatch so the search unwinds quickly.
class Matcher {
 public:
  Matcher(std::string_view src, std::string_view pat) : src_(src), pat_(pat) {}

  size_t match(size_t s, size_t p) {
    if (depth_ >= kMaxDepth) return fail("pattern too complex");
    ++depth_;
    size_t r = match_body(s, p);
    --depth_;
    return r;
  }

  bool failed() const { return !error_.empty(); }
  const std::string& error() const { return error_; }
  int level() const { return level_; }
  void reset() { level_ = 0; }

  // Value of capture `l`; a single implicit capture is the whole match.
  bool get_capture(int l, size_t s, size_t e, std::string* out) {
    if (l >= level_) {
      if (l != 0) {
        fail("invalid capture index");
        return false;
      }
      *out = std::string(src_.substr(s, e - s));
      return true;
    }
    const Capture& cap = capture_[l];
    if (cap.len_ == kCapUnfinished) {
      fail("unfinished capture");
      return false;
    }
    if (cap.len_ == kCapPosition) {
      *out = std::to_string(cap.init_ + 1);
    } else {
      *out = std::string(src_.substr(cap.init_, static_cast<size_t>(cap.len_)));
    }
    return true;
  }

 private:
  size_t fail(const char* msg) {
    if (error_.empty()) error_ = msg;
    return kNoMatch;
  }

  // Pattern byte, with '\0' past the end (the pattern is NUL-free, see
  // prepare_pattern), mirroring how the reference reads a C string.
  char pc(size_t p) const { return p < pat_.size() ? pat_[p] : '\0'; }

  // Offset just past the single-char class starting at p.
  size_t class_end(size_t p) {
    char c = pat_[p++];
    if (c == kEsc) {
      if (p >= pat_.size()) return fail("malformed pattern (ends with '%')");
      return p + 1;
    }
    if (c == '[') {
      if (pc(p) == '^') ++p;
      // The first set char is consumed unconditionally, so "[]]" works.
      do {
        if (p >= pat_.size()) return fail("malformed pattern (missing ']')");
        char cc = pat_[p++];
        if (cc == kEsc && p < pat_.size()) ++p;  // skip escapes like "%]"
      } while (pc(p) != ']');
      return p + 1;
    }
    return p;
  }

  // p points at '[', ec at the closing ']'.
  bool match_bracket_class(unsigned char c, size_t p, size_t ec) const {
    bool sig = true;
    if (pat_[p + 1] == '^') {
      sig = false;
      ++p;
    }
    while (++p < ec) {
      unsigned char pch = static_cast<unsigned char>(pat_[p]);
      if (pch == kEsc) {
        ++p;
        if (match_class(c, static_cast<unsigned char>(pat_[p]))) return sig;
      } else if (pat_[p + 1] == '-' && p + 2 < ec) {
        p += 2;
        if (pch <= c && c <= static_cast<unsigned char>(pat_[p])) return sig;
      } else if (pch == c) {
        return sig;
      }
    }
    return !sig;
  }

  bool single_match(size_t s, size_t p, size_t ep) const {
    if (s >= src_.size()) return false;
    unsigned char c = static_cast<unsigned char>(src_[s]);
    switch (pat_[p]) {
      case '.': return true;
      case kEsc: return match_class(c, static_cast<unsigned char>(pat_[p + 1]));
      case '[': return match_bracket_class(c, p, ep - 1);
      default: return static_cast<unsigned char>(pat_[p]) == c;
    }
  }

  size_t match_balance(size_t s, size_t p) {
    if (p + 1 >= pat_.size()) return fail("unbalanced pattern");
    if (s >= src_.size() || src_[s] != pat_[p]) return kNoMatch;
    char open = pat_[p];
    char close = pat_[p + 1];
    int depth = 1;
    while (++s < src_.size()) {
      if (src_[s] == close) {
        if (--depth == 0) return s + 1;
      } else if (src_[s] == open) {
        ++depth;
      }
    }
    return kNoMatch;
  }

  size_t match_back_reference(size_t s, char digit) {
    int l = digit - '1';
    if (l < 0 || l >= level_ || capture_[l].len_ == kCapUnfinished) {
      return fail("invalid capture index");
    }
    // A position capture has no text; the reference never matches it.
    if (capture_[l].len_ < 0) return kNoMatch;
    size_t len = static_cast<size_t>(capture_[l].len_);
    if (src_.size() - s >= len &&
        src_.substr(s, len) == src_.substr(capture_[l].init_, len)) {
      return s + len;
    }
    return kNoMatch;
  }

  // Greedy: count all repetitions, then back off one at a time.
  size_t max_expand(size_t s, size_t p, size_t ep) {
    size_t count = 0;
    while (single_match(s + count, p, ep)) ++count;
    for (size_t i = count + 1; i-- > 0;) {
      size_t r = match(s + i, ep + 1);
      if (r != kNoMatch || failed()) return r;
    }
    return kNoMatch;
  }

  // Lazy: try the rest first, extend by one repetition on failure.
  size_t min_expand(size_t s, size_t p, size_t ep) {
    for (;;) {
      size_t r = match(s, ep + 1);
      if (r != kNoMatch || failed()) return r;
      if (!single_match(s, p, ep)) return kNoMatch;
      ++s;
    }
  }

  size_t start_capture(size_t s, size_t p, ptrdiff_t what) {
    if (level_ >= kMaxCaptures) return fail("too many captures");
    capture_[level_] = Capture{s, what};
    ++level_;
    size_t r = match(s, p);
    if (r == kNoMatch) --level_;  // undo on backtrack
    return r;
  }

  size_t end_capture(size_t s, size_t p) {
    int l = level_ - 1;
    while (l >= 0 && capture_[l].len_ != kCapUnfinished) --l;
    if (l < 0) return fail("invalid pattern capture");
    capture_[l].len_ = static_cast<ptrdiff_t>(s - capture_[l].init_);
    size_t r = match(s, p);
    if (r == kNoMatch) capture_[l].len_ = kCapUnfinished;
    return r;
  }

  // Items that cannot backtrack loop here instead of recursing, so depth
  // grows only with quantifiers and captures, never with subject length.
  size_t match_body(size_t s, size_t p) {
    for (;;) {
      if (p >= pat_.size()) return s;
      switch (pat_[p]) {
        case '(':
          if (pc(p + 1) == ')') return start_capture(s, p + 2, kCapPosition);
          return start_capture(s, p + 1, kCapUnfinished);
        case ')':
          return end_capture(s, p + 1);
        case '$':
          if (p + 1 == pat_.size()) return s == src_.size() ? s : kNoMatch;
          break;  // '$' elsewhere is a literal
        case kEsc: {
          char next = pc(p + 1);
          if (next == 'b') {
            s = match_balance(s, p + 2);
            if (s == kNoMatch) return kNoMatch;
            p += 4;
            continue;
          }
          if (next == 'f') {
            p += 2;
            if (pc(p) != '[') return fail("missing '[' after '%f' in pattern");
            size_t ep = class_end(p);
            if (ep == kNoMatch) return kNoMatch;
            // Subject edges read as '\0', as with Lua's C strings.
            unsigned char prev =
                s == 0 ? 0 : static_cast<unsigned char>(src_[s - 1]);
            unsigned char cur =
                s < src_.size() ? static_cast<unsigned char>(src_[s]) : 0;
            if (match_bracket_class(prev, p, ep - 1) ||
                !match_bracket_class(cur, p, ep - 1)) {
              return kNoMatch;
            }
            p = ep;
            continue;
          }
          if (is_digit(static_cast<unsigned char>(next))) {
            s = match_back_reference(s, next);
            if (s == kNoMatch) return kNoMatch;
            p += 2;
            continue;
          }
          break;  // ordinary class such as %d
        }
        default:
          break;
      }
      size_t ep = class_end(p);
      if (ep == kNoMatch) return kNoMatch;
      bool m = single_match(s, p, ep);
      switch (pc(ep)) {
        case '?':
          if (m) {
            size_t r = match(s + 1, ep + 1);
            if (r != kNoMatch || failed()) return r;
          }
          p = ep + 1;
          continue;
        case '*':
          return max_expand(s, p, ep);
        case '+':
          return m ? max_expand(s + 1, p, ep) : kNoMatch;
        case '-':
          return min_expand(s, p, ep);
        default:
          if (!m) return kNoMatch;
          ++s;
          p = ep;
          continue;
      }
    }
  }

  std::string_view src_;
  std::string_view pat_;
  int level_ = 0;
  int depth_ = 0;
  Capture capture_[kMaxCaptures];
  std::string error_;
};

// Lua 5.1 reads the pattern as a C string, so it ends at the first NUL.
std::string_view prepare_pattern(std::string_view pattern) {
  return pattern.substr(0, pattern.find('\0'));
}

void set_error(std::string* error, const std::string& msg) {
  if (error != nullptr) *error = msg;
}

}  // namespace

std::optional<LuaMatch> lua_find(std::string_view subject,
                                 std::string_view pattern,
                                 std::string* error) {
  if (error != nullptr) error->clear();
  std::string_view pat = prepare_pattern(pattern);
  // Without specials string.find does a plain search on the whole pattern
  // (embedded NULs included); notably a lone ')' is just a literal here.
  if (pat.find_first_of(kSpecials) == std::string_view::npos) {
    size_t pos = subject.find(pattern);
    if (pos == std::string_view::npos) return std::nullopt;
    return LuaMatch{pos, pos + pattern.size(), {}};
  }
  bool anchor = !pat.empty() && pat[0] == '^';
  if (anchor) pat.remove_prefix(1);
  Matcher m(subject, pat);
  size_t s1 = 0;
  do {
    m.reset();
    size_t e = m.match(s1, 0);
    if (e != kNoMatch) {
      LuaMatch result{s1, e, {}};
      result.captures.resize(static_cast<size_t>(m.level()));
      for (int i = 0; i < m.level(); ++i) {
        if (!m.get_capture(i, s1, e, &result.captures[i])) {
          set_error(error, m.error());
          return std::nullopt;
        }
      }
      return result;
    }
    if (m.failed()) {
      set_error(error, m.error());
      return std::nullopt;
    }
  } while (s1++ < subject.size() && !anchor);
  return std::nullopt;
}

bool lua_pattern_matches(std::string_view subject, std::string_view pattern,
                         std::string* error) {
  return lua_find(subject, pattern, error).has_value();
}

std::string lua_gsub(std::string_view subject, std::string_view pattern,
                     std::string_view replacement, std::string* error) {
  if (error != nullptr) error->clear();
  std::string_view pat = prepare_pattern(pattern);
  bool anchor = !pat.empty() && pat[0] == '^';
  if (anchor) pat.remove_prefix(1);
  Matcher m(subject, pat);
  std::string out;
  size_t src = 0;
  for (;;) {
    m.reset();
    size_t e = m.match(src, 0);
    if (m.failed()) {
      set_error(error, m.error());
      return {};
    }
    if (e != kNoMatch) {
      for (size_t i = 0; i < replacement.size(); ++i) {
        char c = replacement[i];
        if (c != kEsc) {
          out.push_back(c);
          continue;
        }
        ++i;
        // A trailing '%' reads Lua's string terminator and emits a NUL.
        char d = i < replacement.size() ? replacement[i] : '\0';
        if (!is_digit(static_cast<unsigned char>(d))) {
          out.push_back(d);
        } else if (d == '0') {
          out.append(subject.substr(src, e - src));
        } else {
          std::string cap;
          if (!m.get_capture(d - '1', src, e, &cap)) {
            set_error(error, m.error());
            return {};
          }
          out += cap;
        }
      }
    }
    if (e != kNoMatch && e > src) {
      src = e;
    } else if (src < subject.size()) {
      out.push_back(subject[src++]);
    } else {
      break;
    }
    if (anchor) break;
  }
  out.append(subject.substr(src));
  return out;
}

}  // namespace kongdb::schema
