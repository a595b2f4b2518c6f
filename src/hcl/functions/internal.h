// Helpers shared by the function library files (not part of the public API).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "hcl/convert.h"
#include "hcl/function.h"
#include "hcl/functions/functions.h"

namespace kiln::hcl::functions {

using FunctionMap = std::map<std::string, Function>;

inline Param P(std::string name, Type type) { return Param{std::move(name), std::move(type)}; }
inline Param PNull(std::string name, Type type) {
  Param p{std::move(name), std::move(type)};
  p.allow_null = true;
  return p;
}

// A function with fixed parameters.
inline Function Fn(std::vector<Param> params, FunctionImpl impl, Type unknown_result = Type::Dynamic()) {
  Function f;
  f.params = std::move(params);
  f.impl = std::move(impl);
  f.unknown_result_type = std::move(unknown_result);
  return f;
}
// A function with a variadic tail.
inline Function VarFn(std::vector<Param> params, Param var, FunctionImpl impl,
                      Type unknown_result = Type::Dynamic()) {
  Function f = Fn(std::move(params), std::move(impl), std::move(unknown_result));
  f.var_param = std::move(var);
  return f;
}

// An integer argument (error naming arg i if not whole or too large).
std::expected<std::int64_t, FunctionError> IntArg(const Value& v, int i);

// Standard base64 (padded).
std::string Base64Encode(std::string_view in);
std::optional<std::string> Base64Decode(std::string_view in);

// Reads base_dir/path (path may be absolute); error text as Packer words it.
std::expected<std::string, FunctionError> ReadFileArg(const FunctionOptions& opts,
                                                      const std::string& path, int arg);

// templatefile, given the functions it may call (itself excluded).
Function MakeTemplateFile(const FunctionOptions& opts, FunctionMap funcs);

void AddNumeric(FunctionMap& m);
void AddString(FunctionMap& m);
void AddCollection(FunctionMap& m);
void AddEncoding(FunctionMap& m);
void AddFilesystem(FunctionMap& m, const FunctionOptions& opts);
void AddDatetime(FunctionMap& m, const FunctionOptions& opts);
void AddCrypto(FunctionMap& m, const FunctionOptions& opts);
void AddNetwork(FunctionMap& m);
void AddConversion(FunctionMap& m);
void AddRemote(FunctionMap& m);

}  // namespace kiln::hcl::functions
