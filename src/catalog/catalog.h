// Every component type kiln knows, by kind and Packer type name.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <memory>

#include "engine/builder.h"
#include "engine/post_processor.h"
#include "engine/provisioner.h"
#include "template/schema.h"

namespace kiln::catalog {

enum class Kind { kBuilder, kProvisioner, kPostProcessor };

// The option schema of `type`, or nullptr when kiln has no such component.
const tmpl::Schema* FindSchema(Kind kind, std::string_view type);
// Sorted type names of one kind, for "known types are: ..." errors.
std::vector<std::string> KnownTypes(Kind kind);

// Component factories: build the runnable component from options decoded
// against its schema. A type kiln can validate but not yet run gives an
// error saying so.
using BuilderFactory = Result<std::unique_ptr<engine::Builder>> (*)(const tmpl::DecodedConfig&);
using ProvisionerFactory = Result<std::unique_ptr<engine::Provisioner>> (*)(const tmpl::DecodedConfig&);
using PostProcessorFactory = Result<std::unique_ptr<engine::PostProcessor>> (*)(const tmpl::DecodedConfig&);

Result<std::unique_ptr<engine::Builder>> MakeBuilder(std::string_view type, const tmpl::DecodedConfig& config);
Result<std::unique_ptr<engine::Provisioner>> MakeProvisioner(std::string_view type,
                                                             const tmpl::DecodedConfig& config);
Result<std::unique_ptr<engine::PostProcessor>> MakePostProcessor(std::string_view type,
                                                                 const tmpl::DecodedConfig& config);

}  // namespace kiln::catalog
