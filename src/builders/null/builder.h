// The null builder: connects to a machine that already exists (or to
// nothing, with `communicator: none`), runs the provisioners, and exports
// nothing.
#pragma once

#include "builders/null/state.h"
#include "engine/builder.h"
#include "template/schema.h"

namespace kiln::builders::null {

class Builder : public engine::Builder {
 public:
  explicit Builder(Config config) : config_(std::move(config)) {}
  Result<std::unique_ptr<engine::Artifact>> Run(engine::BuildContext& ctx, engine::ProvisionHook& hook) override;

 private:
  Config config_;
};

// Reads the communicator settings; winrm is refused (kiln has no winrm
// communicator yet).
Result<Config> Prepare(const tmpl::DecodedConfig& config);

// The catalog's factory for "null".
Result<std::unique_ptr<engine::Builder>> MakeBuilder(const tmpl::DecodedConfig& config);

}  // namespace kiln::builders::null
