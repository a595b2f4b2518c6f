// Type conversion functions: tostring, tonumber, tobool, tolist, toset, tomap.
#include <fmt/format.h>

#include "hcl/functions/internal.h"

namespace kiln::hcl::functions {

namespace {

// A function converting its argument to `want` (null stays null, typed).
Function To(Type want) {
  Param p{"v", Type::Dynamic()};
  p.allow_null = true;
  p.allow_marked = true;
  Type t = want;
  return Fn({p},
            [t](const std::vector<Value>& a) -> FunctionResult {
              auto c = Convert(a[0], t);
              if (!c) {
                std::string msg = c.error().Describe();
                if (c.error().path.empty())
                  msg = fmt::format("cannot convert {} to {}", a[0].type().FriendlyName(),
                                    t.is_dynamic() ? "value" : t.FriendlyName());
                if (c.error().message == "a number is required")
                  msg = fmt::format("cannot convert \"{}\" to number; given string must be a decimal representation of a number", a[0].AsString());
                if (c.error().message == "a bool is required")
                  msg = fmt::format("cannot convert \"{}\" to bool; only the strings \"true\" or \"false\" are allowed", a[0].AsString());
                return FuncErr(0, msg);
              }
              return *c;
            },
            want);
}

}  // namespace

void AddConversion(FunctionMap& m) {
  m["tostring"] = To(Type::String());
  m["tonumber"] = To(Type::Number());
  m["tobool"] = To(Type::Bool());
  m["tolist"] = To(Type::List(Type::Dynamic()));
  m["toset"] = To(Type::Set(Type::Dynamic()));
  m["tomap"] = To(Type::Map(Type::Dynamic()));
}

}  // namespace kiln::hcl::functions
