// Date and time functions: timestamp, formatdate, timeadd, legacy_isotime
// (Go layout), legacy_strftime (C strftime). Times are RFC 3339 strings.
#include <chrono>
#include <ctime>

#include <fmt/format.h>

#include "hcl/functions/internal.h"
#include "util/go_duration.h"

namespace kiln::hcl::functions {

namespace {

const Type kStr = Type::String();

// A civil time with its UTC offset.
struct Time {
  std::int64_t unix_seconds = 0;  // seconds since the epoch, UTC
  std::int64_t nanos = 0;
  int offset = 0;                 // seconds east of UTC
  bool zulu = true;               // written with "Z"
};

// Days from civil (Howard Hinnant's algorithm).
std::int64_t DaysFromCivil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct Civil {
  std::int64_t year;
  unsigned month, day, hour, minute, second, weekday, yday;
};

Civil ToCivil(std::int64_t local_seconds) {
  std::int64_t days = local_seconds >= 0 ? local_seconds / 86400 : (local_seconds - 86399) / 86400;
  std::int64_t rem = local_seconds - days * 86400;
  std::int64_t z = days + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
  Civil c{y, m, d, static_cast<unsigned>(rem / 3600), static_cast<unsigned>(rem % 3600 / 60),
          static_cast<unsigned>(rem % 60), static_cast<unsigned>(((days % 7) + 11) % 7), 0};
  c.yday = static_cast<unsigned>(days - DaysFromCivil(y, 1, 1));
  return c;
}

std::optional<Time> ParseRFC3339(const std::string& s) {
  int y, mo, d, h, mi, se;
  if (s.size() < 20 || std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &se) != 6) return std::nullopt;
  if (s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') || s[13] != ':' || s[16] != ':') return std::nullopt;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60) return std::nullopt;
  std::size_t i = 19;
  std::int64_t nanos = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    int digits = 0;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
      if (digits < 9) {
        nanos = nanos * 10 + (s[i] - '0');
        ++digits;
      }
      ++i;
    }
    if (digits == 0) return std::nullopt;
    for (; digits < 9; ++digits) nanos *= 10;
  }
  Time t;
  if (i < s.size() && (s[i] == 'Z' || s[i] == 'z')) {
    ++i;
  } else if (i + 6 == s.size() && (s[i] == '+' || s[i] == '-') && s[i + 3] == ':') {
    int oh = std::atoi(s.substr(i + 1, 2).c_str()), om = std::atoi(s.substr(i + 4, 2).c_str());
    t.offset = (oh * 3600 + om * 60) * (s[i] == '-' ? -1 : 1);
    t.zulu = false;
    i += 6;
  } else {
    return std::nullopt;
  }
  if (i != s.size()) return std::nullopt;
  t.unix_seconds = DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400 + h * 3600 + mi * 60 + se - t.offset;
  t.nanos = nanos;
  return t;
}

std::string OffsetString(int offset, bool colon) {
  int a = offset < 0 ? -offset : offset;
  return fmt::format("{}{:02}{}{:02}", offset < 0 ? '-' : '+', a / 3600, colon ? ":" : "", a % 3600 / 60);
}

std::string FormatRFC3339(const Time& t) {
  Civil c = ToCivil(t.unix_seconds + t.offset);
  std::string out = fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", c.year, c.month, c.day, c.hour, c.minute, c.second);
  if (t.nanos) {
    std::string frac = fmt::format("{:09}", t.nanos);
    while (frac.back() == '0') frac.pop_back();
    out += "." + frac;
  }
  return out + (t.zulu && t.offset == 0 ? "Z" : OffsetString(t.offset, true));
}

const char* kMonths[] = {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"};
const char* kDays[] = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};

std::expected<std::string, std::string> FormatDate(const std::string& spec, const Time& t) {
  Civil c = ToCivil(t.unix_seconds + t.offset);
  std::string out;
  for (std::size_t i = 0; i < spec.size();) {
    char ch = spec[i];
    if (ch == '\'') {
      std::size_t j = i + 1;
      std::string lit;
      while (true) {
        if (j >= spec.size()) return std::unexpected("unterminated literal '");
        if (spec[j] == '\'') {
          if (j + 1 < spec.size() && spec[j + 1] == '\'') {
            lit += '\'';
            j += 2;
            continue;
          }
          break;
        }
        lit += spec[j++];
      }
      out += j == i + 1 ? "'" : lit;
      i = j + 1;
      continue;
    }
    if (!std::isalpha(static_cast<unsigned char>(ch))) {
      out += ch;
      ++i;
      continue;
    }
    std::size_t n = 1;
    while (i + n < spec.size() && spec[i + n] == ch) ++n;
    std::string tok = spec.substr(i, n);
    i += n;
    unsigned h12 = c.hour % 12 == 0 ? 12 : c.hour % 12;
    if (tok == "YYYY") out += fmt::format("{:04}", c.year);
    else if (tok == "YY") out += fmt::format("{:02}", c.year % 100);
    else if (tok == "MMMM") out += kMonths[c.month - 1];
    else if (tok == "MMM") out += std::string(kMonths[c.month - 1]).substr(0, 3);
    else if (tok == "MM") out += fmt::format("{:02}", c.month);
    else if (tok == "M") out += std::to_string(c.month);
    else if (tok == "DD") out += fmt::format("{:02}", c.day);
    else if (tok == "D") out += std::to_string(c.day);
    else if (tok == "EEEE") out += kDays[c.weekday];
    else if (tok == "EEE") out += std::string(kDays[c.weekday]).substr(0, 3);
    else if (tok == "hh") out += fmt::format("{:02}", c.hour);
    else if (tok == "h") out += std::to_string(c.hour);
    else if (tok == "HH") out += fmt::format("{:02}", h12);
    else if (tok == "H") out += std::to_string(h12);
    else if (tok == "AA") out += c.hour < 12 ? "AM" : "PM";
    else if (tok == "aa") out += c.hour < 12 ? "am" : "pm";
    else if (tok == "mm") out += fmt::format("{:02}", c.minute);
    else if (tok == "m") out += std::to_string(c.minute);
    else if (tok == "ss") out += fmt::format("{:02}", c.second);
    else if (tok == "s") out += std::to_string(c.second);
    else if (tok == "ZZZZZ") out += OffsetString(t.offset, true);
    else if (tok == "ZZZZ") out += OffsetString(t.offset, false);
    else if (tok == "ZZZ") out += t.offset == 0 ? "UTC" : OffsetString(t.offset, false);
    else if (tok == "Z") out += t.offset == 0 ? "Z" : OffsetString(t.offset, true);
    else return std::unexpected(fmt::format("invalid date format verb \"{}\": unsupported", tok));
  }
  return out;
}

// Go reference-time layout ("2006-01-02T15:04:05Z07:00").
std::string GoLayout(const std::string& layout, const Time& t) {
  Civil c = ToCivil(t.unix_seconds + t.offset);
  std::string out;
  unsigned h12 = c.hour % 12 == 0 ? 12 : c.hour % 12;
  auto at = [&](std::size_t i, std::string_view tok) { return layout.compare(i, tok.size(), tok) == 0; };
  for (std::size_t i = 0; i < layout.size();) {
    if (at(i, "January")) { out += kMonths[c.month - 1]; i += 7; }
    else if (at(i, "Jan")) { out += std::string(kMonths[c.month - 1]).substr(0, 3); i += 3; }
    else if (at(i, "Monday")) { out += kDays[c.weekday]; i += 6; }
    else if (at(i, "Mon")) { out += std::string(kDays[c.weekday]).substr(0, 3); i += 3; }
    else if (at(i, "MST")) { out += t.offset == 0 ? "UTC" : OffsetString(t.offset, false); i += 3; }
    else if (at(i, "2006")) { out += fmt::format("{:04}", c.year); i += 4; }
    else if (at(i, "Z07:00")) { out += t.offset == 0 ? "Z" : OffsetString(t.offset, true); i += 6; }
    else if (at(i, "Z0700")) { out += t.offset == 0 ? "Z" : OffsetString(t.offset, false); i += 5; }
    else if (at(i, "-07:00")) { out += OffsetString(t.offset, true); i += 6; }
    else if (at(i, "-0700")) { out += OffsetString(t.offset, false); i += 5; }
    else if (at(i, "002")) { out += fmt::format("{:03}", c.yday + 1); i += 3; }
    else if (at(i, "01")) { out += fmt::format("{:02}", c.month); i += 2; }
    else if (at(i, "02")) { out += fmt::format("{:02}", c.day); i += 2; }
    else if (at(i, "_2")) { out += fmt::format("{:>2}", c.day); i += 2; }
    else if (at(i, "03")) { out += fmt::format("{:02}", h12); i += 2; }
    else if (at(i, "04")) { out += fmt::format("{:02}", c.minute); i += 2; }
    else if (at(i, "05")) { out += fmt::format("{:02}", c.second); i += 2; }
    else if (at(i, "06")) { out += fmt::format("{:02}", c.year % 100); i += 2; }
    else if (at(i, "15")) { out += fmt::format("{:02}", c.hour); i += 2; }
    else if (at(i, "PM")) { out += c.hour < 12 ? "AM" : "PM"; i += 2; }
    else if (at(i, "pm")) { out += c.hour < 12 ? "am" : "pm"; i += 2; }
    else if ((at(i, ".0") || at(i, ".9") || at(i, ",0") || at(i, ",9")) && i + 1 < layout.size()) {
      char digit = layout[i + 1];
      std::size_t j = i + 1;
      while (j < layout.size() && layout[j] == digit) ++j;
      if (j < layout.size() && std::isdigit(static_cast<unsigned char>(layout[j]))) {
        out += layout[i];
        ++i;
        continue;
      }
      std::size_t n = j - i - 1;
      std::string frac = fmt::format("{:09}", t.nanos).substr(0, std::min<std::size_t>(n, 9));
      if (digit == '9') {
        while (!frac.empty() && frac.back() == '0') frac.pop_back();
        if (!frac.empty()) out += layout[i] + frac;
      } else {
        out += layout[i] + frac;
      }
      i = j;
    }
    else if (at(i, "1")) { out += std::to_string(c.month); i += 1; }
    else if (at(i, "2")) { out += std::to_string(c.day); i += 1; }
    else if (at(i, "3")) { out += std::to_string(h12); i += 1; }
    else if (at(i, "4")) { out += std::to_string(c.minute); i += 1; }
    else if (at(i, "5")) { out += std::to_string(c.second); i += 1; }
    else { out += layout[i]; i += 1; }
  }
  return out;
}

Time Now(const FunctionOptions& opts) {
  auto tp = opts.now ? opts.now() : std::chrono::system_clock::now();
  auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(tp.time_since_epoch()).count();
  Time t;
  t.unix_seconds = ns / 1000000000;
  t.nanos = 0;  // Packer's timestamp() has whole seconds
  return t;
}

}  // namespace

void AddDatetime(FunctionMap& m, const FunctionOptions& opts) {
  m["timestamp"] = Fn({}, [opts](const std::vector<Value>&) -> FunctionResult { return Value::String(FormatRFC3339(Now(opts))); }, kStr);
  m["formatdate"] = Fn({P("format", kStr), P("time", kStr)},
                       [](const std::vector<Value>& a) -> FunctionResult {
                         auto t = ParseRFC3339(a[1].AsString());
                         if (!t) return FuncErr(1, fmt::format("not a valid RFC3339 timestamp: cannot use \"{}\" as a timestamp", a[1].AsString()));
                         auto s = FormatDate(a[0].AsString(), *t);
                         if (!s) return FuncErr(0, s.error());
                         return Value::String(*s);
                       },
                       kStr);
  m["timeadd"] = Fn({P("timestamp", kStr), P("duration", kStr)},
                    [](const std::vector<Value>& a) -> FunctionResult {
                      auto t = ParseRFC3339(a[0].AsString());
                      if (!t) return FuncErr(0, fmt::format("not a valid RFC3339 timestamp: cannot use \"{}\" as a timestamp", a[0].AsString()));
                      auto d = ParseGoDuration(a[1].AsString());
                      if (!d) return FuncErr(1, fmt::format("time: invalid duration \"{}\"", a[1].AsString()));
                      std::int64_t total = t->nanos + d->count();
                      std::int64_t secs = total >= 0 ? total / 1000000000 : (total - 999999999) / 1000000000;
                      t->unix_seconds += secs;
                      t->nanos = total - secs * 1000000000;
                      return Value::String(FormatRFC3339(*t));
                    },
                    kStr);
  m["legacy_isotime"] = Fn({P("format", kStr)},
                           [opts](const std::vector<Value>& a) -> FunctionResult {
                             Time t = Now(opts);
                             std::string layout = a[0].AsString();
                             if (layout.empty()) layout = "2006-01-02T15:04:05Z07:00";
                             return Value::String(GoLayout(layout, t));
                           },
                           kStr);
  m["legacy_strftime"] = Fn({P("format", kStr)},
                            [opts](const std::vector<Value>& a) -> FunctionResult {
                              Time t = Now(opts);
                              std::time_t tt = static_cast<std::time_t>(t.unix_seconds);
                              std::tm tm{};
                              gmtime_r(&tt, &tm);
                              char buf[1024];
                              std::size_t n = std::strftime(buf, sizeof buf, a[0].AsString().c_str(), &tm);
                              if (n == 0 && !a[0].AsString().empty()) return FuncErr(0, "the formatted time is empty or too long");
                              return Value::String(std::string(buf, n));
                            },
                            kStr);
}

}  // namespace kiln::hcl::functions
