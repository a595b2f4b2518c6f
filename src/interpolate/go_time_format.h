// Go's time.Format reference-time layouts ("2006-01-02T15:04:05Z07:00") and
// the strftime subset Packer's `strftime` function accepts.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

namespace kiln::interpolate {

// Formats `t` shifted by `utc_offset_seconds` the way Go's Time.Format does,
// with `zone` as the abbreviation for "MST". Every layout element is
// supported: 2006 06 01 1 Jan January 02 2 _2 002 __2 15 03 3 04 4 05 5 PM pm
// Mon Monday MST -0700 -07:00 -07 -070000 -07:00:00 Z0700 Z07:00 Z07 Z070000
// Z07:00:00 and fractional seconds .000 .999 ,000 ,999 (any length). Anything
// else is copied literally. Never fails.
std::string FormatGoTime(std::string_view layout,
                         std::chrono::system_clock::time_point t,
                         int utc_offset_seconds = 0,
                         std::string_view zone = "UTC");

inline constexpr std::string_view kRfc3339 = "2006-01-02T15:04:05Z07:00";

// github.com/jehiah/go-strftime as vendored by Packer 1.6.6: %A %a %B %b %d
// %H %I %L (".000") %m %M %p %S %y %Y %z %Z and %%; any other directive,
// and a trailing lone %, is copied literally.
std::string FormatStrftime(std::string_view format,
                           std::chrono::system_clock::time_point t);

}  // namespace kiln::interpolate
