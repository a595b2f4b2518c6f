// Numeric functions: abs, ceil, floor, log, max, min, parseint, pow, signum, sum.
#include <cmath>

#include <fmt/format.h>

#include "hcl/functions/internal.h"

namespace kiln::hcl::functions {

namespace {

const Type kNum = Type::Number();

mpq_class Floor(const mpq_class& q) {
  mpz_class z;
  mpz_fdiv_q(z.get_mpz_t(), q.get_num_mpz_t(), q.get_den_mpz_t());
  return mpq_class(z);
}
mpq_class Ceil(const mpq_class& q) {
  mpz_class z;
  mpz_cdiv_q(z.get_mpz_t(), q.get_num_mpz_t(), q.get_den_mpz_t());
  return mpq_class(z);
}

// pow with an exact result for integer exponents.
std::optional<mpq_class> ExactPow(const mpq_class& base, const mpq_class& exp) {
  if (exp.get_den() != 1 || !exp.get_num().fits_slong_p()) return std::nullopt;
  long e = exp.get_num().get_si();
  if (e > 100000 || e < -100000) return std::nullopt;
  unsigned long ue = static_cast<unsigned long>(e < 0 ? -e : e);
  // Keep exact results to a sane size (a million bits); beyond, use floating point.
  std::size_t bits = mpz_sizeinbase(base.get_num_mpz_t(), 2) + mpz_sizeinbase(base.get_den_mpz_t(), 2);
  if (static_cast<double>(bits) * static_cast<double>(ue) > 1e6) return std::nullopt;
  mpz_class n, d;
  mpz_pow_ui(n.get_mpz_t(), base.get_num_mpz_t(), ue);
  mpz_pow_ui(d.get_mpz_t(), base.get_den_mpz_t(), ue);
  if (e < 0) {
    if (n == 0) return std::nullopt;
    std::swap(n, d);
  }
  mpq_class r(n, d);
  r.canonicalize();
  return r;
}

FunctionResult MinMax(const std::vector<Value>& a, bool max) {
  if (a.empty()) return FuncErr(-1, "must pass at least one number");
  mpq_class best = a[0].AsNumber();
  for (const Value& v : a) {
    if (max ? v.AsNumber() > best : v.AsNumber() < best) best = v.AsNumber();
  }
  return Value::Number(best);
}

}  // namespace

void AddNumeric(FunctionMap& m) {
  m["abs"] = Fn({P("num", kNum)}, [](const std::vector<Value>& a) -> FunctionResult { return Value::Number(abs(a[0].AsNumber())); }, kNum);
  m["ceil"] = Fn({P("num", kNum)}, [](const std::vector<Value>& a) -> FunctionResult { return Value::Number(Ceil(a[0].AsNumber())); }, kNum);
  m["floor"] = Fn({P("num", kNum)}, [](const std::vector<Value>& a) -> FunctionResult { return Value::Number(Floor(a[0].AsNumber())); }, kNum);
  m["signum"] = Fn({P("num", kNum)}, [](const std::vector<Value>& a) -> FunctionResult { return Value::Number(sgn(a[0].AsNumber())); }, kNum);
  m["max"] = VarFn({}, P("numbers", kNum), [](const std::vector<Value>& a) { return MinMax(a, true); }, kNum);
  m["min"] = VarFn({}, P("numbers", kNum), [](const std::vector<Value>& a) { return MinMax(a, false); }, kNum);
  m["log"] = Fn({P("num", kNum), P("base", kNum)},
                [](const std::vector<Value>& a) -> FunctionResult {
                  double x = a[0].AsDouble(), b = a[1].AsDouble();
                  if (x <= 0 || b <= 0 || b == 1) return FuncErr(-1, "logarithm is undefined for these arguments");
                  return Value::NumberFromDouble(std::log(x) / std::log(b));
                },
                kNum);
  m["pow"] = Fn({P("num", kNum), P("power", kNum)},
                [](const std::vector<Value>& a) -> FunctionResult {
                  if (auto r = ExactPow(a[0].AsNumber(), a[1].AsNumber())) return Value::Number(*r);
                  double r = std::pow(a[0].AsDouble(), a[1].AsDouble());
                  if (!std::isfinite(r)) return FuncErr(-1, "result is not a finite number");
                  return Value::NumberFromDouble(r);
                },
                kNum);
  m["parseint"] = Fn({P("number", Type::Dynamic()), P("base", kNum)},
                     [](const std::vector<Value>& a) -> FunctionResult {
                       if (a[0].type().kind() != TypeKind::kString)
                         return FuncErr(0, "first argument must be a string, not " + a[0].type().FriendlyName());
                       auto base = IntArg(a[1], 1);
                       if (!base) return std::unexpected(base.error());
                       if (*base < 2 || *base > 62) return FuncErr(1, "base must be a whole number between 2 and 62 inclusive");
                       std::string s = a[0].AsString();
                       bool neg = false;
                       if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
                         neg = s[0] == '-';
                         s = s.substr(1);
                       }
                       mpz_class z;
                       if (s.empty() || z.set_str(s, static_cast<int>(*base)) != 0)
                         return FuncErr(0, fmt::format("cannot parse \"{}\" as a base {} integer", a[0].AsString(), *base));
                       if (neg) z = -z;
                       return Value::Number(mpq_class(z));
                     },
                     kNum);
  m["sum"] = Fn({P("list", Type::Dynamic())},
                [](const std::vector<Value>& a) -> FunctionResult {
                  const Type& t = a[0].type();
                  if (!(t.is_list() || t.is_set() || t.is_tuple()))
                    return FuncErr(0, "cannot sum noniterable");
                  if (a[0].Elements().empty()) return FuncErr(0, "cannot sum an empty list");
                  mpq_class total;
                  for (const Value& e : a[0].Elements()) {
                    auto n = Convert(e, kNum);
                    if (!n || n->is_null()) return FuncErr(0, "argument must be list, set, or tuple of number values");
                    total += n->AsNumber();
                  }
                  return Value::Number(total);
                },
                kNum);
}

}  // namespace kiln::hcl::functions
