#include "util/error.h"

#include <fmt/format.h>

namespace kiln {

std::string Error::Message() const {
  std::string out;
  if (where)
    out = fmt::format("{}:{}:{}: ", where->file, where->start.line,
                      where->start.column);
  out += summary;
  if (!detail.empty()) out += ": " + detail;
  return out;
}

Error MakeError(std::string summary, std::string detail) {
  return Error{.summary = std::move(summary), .detail = std::move(detail)};
}

Error MakeError(const SourceRange& where, std::string summary,
                std::string detail) {
  return Error{.summary = std::move(summary),
               .detail = std::move(detail),
               .where = where};
}

}  // namespace kiln
