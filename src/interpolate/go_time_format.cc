#include "interpolate/go_time_format.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <optional>

namespace kiln::interpolate {
namespace {

// The broken-down time a layout element prints from.
struct Fields {
  int year, month, day, yday, wday, hour, minute, second, offset;
  int64_t nanos;
  std::string_view zone;
  int hour12() const { return hour % 12 == 0 ? 12 : hour % 12; }
};

constexpr std::array<std::string_view, 12> kMonths = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};
constexpr std::array<std::string_view, 7> kDays = {
    "Sunday",   "Monday", "Tuesday", "Wednesday",
    "Thursday", "Friday", "Saturday"};

// -0700 and friends; the Z forms print "Z" for UTC.
std::string Zone(const Fields& f, bool iso, bool colon, bool minutes,
                 bool seconds) {
  if (iso && f.offset == 0) return "Z";
  int abs = std::abs(f.offset);
  std::string sep = colon ? ":" : "";
  std::string out =
      fmt::format("{}{:02}", f.offset < 0 ? '-' : '+', abs / 3600);
  if (minutes) out += fmt::format("{}{:02}", sep, abs / 60 % 60);
  if (seconds) out += fmt::format("{}{:02}", sep, abs % 60);
  return out;
}

struct Pattern {
  std::string_view text;
  std::string (*format)(const Fields&);
  bool not_before_lower = false;  // "Jan"/"Mon" only when no lowercase follows
};

std::string Pad(int v, int width, char fill = '0') {
  std::string s = std::to_string(v);
  return std::string(std::max(0, width - static_cast<int>(s.size())), fill) + s;
}

// In the order Go's nextStdChunk tries them: longer spellings first.
using F = const Fields&;
// clang-format off
constexpr auto kPatterns = std::to_array<Pattern>({
    {"January", [](F f) { return std::string(kMonths[f.month - 1]); }},
    {"Jan", [](F f) { return std::string(kMonths[f.month - 1], 0, 3); }, true},
    {"Monday", [](F f) { return std::string(kDays[f.wday]); }},
    {"Mon", [](F f) { return std::string(kDays[f.wday], 0, 3); }, true},
    {"MST", [](F f) {  // with no abbreviation known, Go prints -0700
       return f.zone.empty() ? Zone(f, false, false, true, false) : std::string(f.zone); }},
    {"01", [](F f) { return Pad(f.month, 2); }},
    {"02", [](F f) { return Pad(f.day, 2); }},
    {"03", [](F f) { return Pad(f.hour12(), 2); }},
    {"04", [](F f) { return Pad(f.minute, 2); }},
    {"05", [](F f) { return Pad(f.second, 2); }},
    {"06", [](F f) { return Pad(std::abs(f.year) % 100, 2); }},
    {"002", [](F f) { return Pad(f.yday, 3); }},
    {"15", [](F f) { return Pad(f.hour, 2); }},
    {"1", [](F f) { return std::to_string(f.month); }},
    {"2006", [](F f) { return (f.year < 0 ? "-" : "") + Pad(abs(f.year), 4); }},
    {"2", [](F f) { return std::to_string(f.day); }},
    {"_2", [](F f) { return Pad(f.day, 2, ' '); }},
    {"__2", [](F f) { return Pad(f.yday, 3, ' '); }},
    {"3", [](F f) { return std::to_string(f.hour12()); }},
    {"4", [](F f) { return std::to_string(f.minute); }},
    {"5", [](F f) { return std::to_string(f.second); }},
    {"PM", [](F f) { return std::string(f.hour >= 12 ? "PM" : "AM"); }},
    {"pm", [](F f) { return std::string(f.hour >= 12 ? "pm" : "am"); }},
    {"-070000", [](F f) { return Zone(f, false, false, true, true); }},
    {"-07:00:00", [](F f) { return Zone(f, false, true, true, true); }},
    {"-0700", [](F f) { return Zone(f, false, false, true, false); }},
    {"-07:00", [](F f) { return Zone(f, false, true, true, false); }},
    {"-07", [](F f) { return Zone(f, false, false, false, false); }},
    {"Z070000", [](F f) { return Zone(f, true, false, true, true); }},
    {"Z07:00:00", [](F f) { return Zone(f, true, true, true, true); }},
    {"Z0700", [](F f) { return Zone(f, true, false, true, false); }},
    {"Z07:00", [](F f) { return Zone(f, true, true, true, false); }},
    {"Z07", [](F f) { return Zone(f, true, false, false, false); }},
});
// clang-format on

// Formats the layout element at the start of `rest` and returns its length,
// or returns 0 when `rest` starts with literal text.
size_t FormatElement(std::string_view rest, const Fields& f, std::string& out) {
  if (rest.starts_with("_2006")) return 0;  // a literal "_", then the year
  for (const Pattern& p : kPatterns) {
    if (!rest.starts_with(p.text)) continue;
    char after = rest.size() > p.text.size() ? rest[p.text.size()] : 0;
    if (p.not_before_lower && after >= 'a' && after <= 'z') continue;
    out += p.format(f);
    return p.text.size();
  }
  // ".000", ",999", ...: a run of one digit that no further digit follows.
  // The 9 form drops trailing zeros, and the separator if nothing is left.
  if (rest.size() < 2 || (rest[0] != '.' && rest[0] != ',') ||
      (rest[1] != '0' && rest[1] != '9'))
    return 0;
  size_t n = rest.find_first_not_of(rest[1], 1);
  if (n == std::string_view::npos) n = rest.size();
  if (n < rest.size() && rest[n] >= '0' && rest[n] <= '9') return 0;
  std::string digits =
      fmt::format("{:09}", f.nanos).substr(0, std::min<size_t>(n - 1, 9));
  if (rest[1] == '9') digits.erase(digits.find_last_not_of('0') + 1);
  if (!digits.empty()) out += rest[0] + digits;
  return n;
}

}  // namespace

std::string FormatGoTime(std::string_view layout,
                         std::chrono::system_clock::time_point t,
                         int utc_offset_seconds, std::string_view zone) {
  using namespace std::chrono;
  auto secs = floor<seconds>(t);
  auto local = secs + seconds(utc_offset_seconds);
  auto day = floor<days>(local);
  year_month_day ymd(day);
  hh_mm_ss hms(local - day);
  Fields f{.year = static_cast<int>(ymd.year()),
           .month = static_cast<int>(static_cast<unsigned>(ymd.month())),
           .day = static_cast<int>(static_cast<unsigned>(ymd.day())),
           .yday = static_cast<int>(
                       (day - sys_days(ymd.year() / January / 1)).count()) +
                   1,
           .wday = static_cast<int>(weekday(day).c_encoding()),
           .hour = static_cast<int>(hms.hours().count()),
           .minute = static_cast<int>(hms.minutes().count()),
           .second = static_cast<int>(hms.seconds().count()),
           .offset = utc_offset_seconds,
           .nanos = duration_cast<nanoseconds>(t - secs).count(),
           .zone = zone};
  std::string out;
  for (size_t i = 0; i < layout.size();) {
    size_t n = FormatElement(layout.substr(i), f, out);
    if (n == 0) out += layout[i++];
    i += n;
  }
  return out;
}

std::string FormatStrftime(std::string_view format,
                           std::chrono::system_clock::time_point t) {
  static constexpr std::string_view kDirectives = "AaBbdHILmMpSyYzZ";
  static constexpr std::array<std::string_view, 16> kLayouts = {
      "Monday", "Mon", "January", "Jan", "02", "15",   "03",    ".000",
      "01",     "04",  "PM",      "05",  "06", "2006", "-0700", "MST"};
  std::string out;
  for (size_t i = 0; i < format.size(); ++i) {
    if (format[i] != '%' || i + 1 == format.size()) {
      out += format[i];
      continue;
    }
    char c = format[++i];
    if (c == '%')
      out += '%';
    else if (size_t k = kDirectives.find(c); k != std::string_view::npos)
      out += FormatGoTime(kLayouts[k], t);
    else
      out += {'%', c};
  }
  return out;
}

}  // namespace kiln::interpolate
