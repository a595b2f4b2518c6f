#include "hcl/type.h"

#include <fmt/format.h>

namespace kiln::hcl {

struct Type::Children {
  Type element;
  std::vector<Type> elements;
  std::map<std::string, Type> attributes;
  std::set<std::string> optional;
};

Type Type::String() {
  Type t;
  t.kind_ = TypeKind::kString;
  return t;
}
Type Type::Number() {
  Type t;
  t.kind_ = TypeKind::kNumber;
  return t;
}
Type Type::Bool() {
  Type t;
  t.kind_ = TypeKind::kBool;
  return t;
}
Type Type::List(Type element) {
  Type t;
  t.kind_ = TypeKind::kList;
  auto c = std::make_shared<Children>();
  c->element = std::move(element);
  t.children_ = c;
  return t;
}
Type Type::Set(Type element) {
  Type t = List(std::move(element));
  t.kind_ = TypeKind::kSet;
  return t;
}
Type Type::Map(Type element) {
  Type t = List(std::move(element));
  t.kind_ = TypeKind::kMap;
  return t;
}
Type Type::Tuple(std::vector<Type> elements) {
  Type t;
  t.kind_ = TypeKind::kTuple;
  auto c = std::make_shared<Children>();
  c->elements = std::move(elements);
  t.children_ = c;
  return t;
}
Type Type::Object(std::map<std::string, Type> attributes, std::set<std::string> optional) {
  Type t;
  t.kind_ = TypeKind::kObject;
  auto c = std::make_shared<Children>();
  c->attributes = std::move(attributes);
  c->optional = std::move(optional);
  t.children_ = c;
  return t;
}

namespace {
const Type kDynamicType;
const std::vector<Type> kNoTypes;
const std::map<std::string, Type> kNoAttrs;
const std::set<std::string> kNoNames;
}  // namespace

const Type& Type::element() const { return children_ ? children_->element : kDynamicType; }
const std::vector<Type>& Type::tuple_elements() const {
  return children_ ? children_->elements : kNoTypes;
}
const std::map<std::string, Type>& Type::attributes() const {
  return children_ ? children_->attributes : kNoAttrs;
}
const std::set<std::string>& Type::optional_attributes() const {
  return children_ ? children_->optional : kNoNames;
}
bool Type::HasAttribute(const std::string& name) const { return attributes().contains(name); }

bool Type::HasDynamic() const {
  switch (kind_) {
    case TypeKind::kDynamic: return true;
    case TypeKind::kList:
    case TypeKind::kSet:
    case TypeKind::kMap: return element().HasDynamic();
    case TypeKind::kTuple:
      for (const Type& t : tuple_elements())
        if (t.HasDynamic()) return true;
      return false;
    case TypeKind::kObject:
      for (const auto& [k, t] : attributes())
        if (t.HasDynamic()) return true;
      return false;
    default: return false;
  }
}

bool Type::operator==(const Type& o) const {
  if (kind_ != o.kind_) return false;
  switch (kind_) {
    case TypeKind::kList:
    case TypeKind::kSet:
    case TypeKind::kMap: return element() == o.element();
    case TypeKind::kTuple: return tuple_elements() == o.tuple_elements();
    case TypeKind::kObject:
      return attributes() == o.attributes() && optional_attributes() == o.optional_attributes();
    default: return true;
  }
}

std::string Type::FriendlyName() const {
  switch (kind_) {
    case TypeKind::kDynamic: return "dynamic";
    case TypeKind::kString: return "string";
    case TypeKind::kNumber: return "number";
    case TypeKind::kBool: return "bool";
    case TypeKind::kList: return "list of " + element().FriendlyName();
    case TypeKind::kSet: return "set of " + element().FriendlyName();
    case TypeKind::kMap: return "map of " + element().FriendlyName();
    case TypeKind::kTuple: return "tuple";
    case TypeKind::kObject: return "object";
  }
  return "value";
}

std::string Type::ConstraintString() const {
  switch (kind_) {
    case TypeKind::kDynamic: return "any";
    case TypeKind::kString: return "string";
    case TypeKind::kNumber: return "number";
    case TypeKind::kBool: return "bool";
    case TypeKind::kList: return "list(" + element().ConstraintString() + ")";
    case TypeKind::kSet: return "set(" + element().ConstraintString() + ")";
    case TypeKind::kMap: return "map(" + element().ConstraintString() + ")";
    case TypeKind::kTuple: {
      std::string s = "tuple([";
      bool first = true;
      for (const Type& t : tuple_elements()) {
        if (!first) s += ", ";
        first = false;
        s += t.ConstraintString();
      }
      return s + "])";
    }
    case TypeKind::kObject: {
      std::string s = "object({";
      bool first = true;
      for (const auto& [k, t] : attributes()) {
        if (!first) s += ", ";
        first = false;
        s += k + "=";
        if (optional_attributes().contains(k)) s += "optional(" + t.ConstraintString() + ")";
        else s += t.ConstraintString();
      }
      return s + "})";
    }
  }
  return "any";
}

}  // namespace kiln::hcl
