// The parts of Go's fmt and strconv that template output goes through:
// print, println, printf and how values print by default.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "interpolate/value.h"

namespace kiln::interpolate {

// fmt's %v: "true", "42", "1.5", "1e+06", "map[a:1 b:2]", "<nil>".
std::string FormatValue(const Value& v);
// strconv.Quote: "\"a\\tb\"".
std::string Quote(std::string_view s);
// fmt.Sprint: a space between operands when neither side is a string.
std::string Sprint(std::span<const Value> args);
// fmt.Sprintln: spaces between all operands, then a newline.
std::string Sprintln(std::span<const Value> args);
// fmt.Sprintf with verbs v s d q x X t f e g b o, flags - + 0, width and
// precision (digits or "*"). Mistakes print inline as Go does:
// "%!d(string=x)", "%!s(MISSING)", "%!(EXTRA int=2)", and Go's caps on
// widths and precisions too: more than 1e6 is "%!(NOVERB)" (the rest of the
// format unread), or from "*" "%!(BADWIDTH)" / "%!(BADPREC)". Stops early
// once the output is longer than kMaxStringBytes: callers check the size.
std::string Sprintf(std::string_view format, std::span<const Value> args);

}  // namespace kiln::interpolate
