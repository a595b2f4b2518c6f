// cty-like types: primitive (string, number, bool), collections (list, set,
// map of one element type), structural (tuple, object) and dynamic ("any").
// Types are immutable values, cheap to copy (children are shared).
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace kiln::hcl {

enum class TypeKind {
  kDynamic,  // "any": not yet known / accepts everything
  kString,
  kNumber,
  kBool,
  kList,
  kSet,
  kMap,
  kTuple,
  kObject,
};

class Type {
 public:
  Type() = default;  // dynamic
  static Type Dynamic() { return Type(); }
  static Type String();
  static Type Number();
  static Type Bool();
  static Type List(Type element);
  static Type Set(Type element);
  static Type Map(Type element);
  static Type Tuple(std::vector<Type> elements);
  // `optional` names attributes declared with optional(...) in a type
  // constraint: conversion fills them with null (or their default) if absent.
  static Type Object(std::map<std::string, Type> attributes, std::set<std::string> optional = {});
  static Type EmptyObject() { return Object({}); }
  static Type EmptyTuple() { return Tuple({}); }

  TypeKind kind() const { return kind_; }
  bool is_dynamic() const { return kind_ == TypeKind::kDynamic; }
  bool is_primitive() const {
    return kind_ == TypeKind::kString || kind_ == TypeKind::kNumber || kind_ == TypeKind::kBool;
  }
  bool is_collection() const {
    return kind_ == TypeKind::kList || kind_ == TypeKind::kSet || kind_ == TypeKind::kMap;
  }
  bool is_list() const { return kind_ == TypeKind::kList; }
  bool is_set() const { return kind_ == TypeKind::kSet; }
  bool is_map() const { return kind_ == TypeKind::kMap; }
  bool is_tuple() const { return kind_ == TypeKind::kTuple; }
  bool is_object() const { return kind_ == TypeKind::kObject; }

  // Element type of a list, set or map (dynamic otherwise).
  const Type& element() const;
  // Element types of a tuple.
  const std::vector<Type>& tuple_elements() const;
  // Attribute types of an object, and which are optional.
  const std::map<std::string, Type>& attributes() const;
  const std::set<std::string>& optional_attributes() const;
  bool HasAttribute(const std::string& name) const;

  // True if the type contains dynamic anywhere.
  bool HasDynamic() const;

  bool operator==(const Type& other) const;
  bool operator!=(const Type& other) const { return !(*this == other); }

  // "string", "list of number", "object", ... as HCL names types in messages.
  std::string FriendlyName() const;
  // Type-constraint syntax: "list(string)", "object({a=number})".
  std::string ConstraintString() const;

 private:
  struct Children;
  TypeKind kind_ = TypeKind::kDynamic;
  std::shared_ptr<const Children> children_;
};

}  // namespace kiln::hcl
