// What every part of one running build shares: its name and type, the Ui
// with its prefix, the cancel token, the -on-error/-debug choices, and the
// interpolation context (user variables, and once the machine exists, the
// build values {{build `ID`}} etc.).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "engine/resource_log.h"
#include "interpolate/engine.h"
#include "ui/ui.h"
#include "util/cancel.h"

namespace kiln::engine {

enum class OnError { kCleanup, kAbort, kAsk, kRunCleanupProvisioner };

struct BuildContext {
  std::string build_name;
  std::string build_type;
  ui::Ui* ui = nullptr;
  CancelToken* cancel = nullptr;
  OnError on_error = OnError::kCleanup;
  bool debug = false;  // pause before each step until Enter
  bool force = false;  // -force: builders may delete existing artifacts
  std::string packer_run_uuid;
  interpolate::Context interp;  // build_values filled by the builder when known
  // Asks the user (for -debug and -on-error=ask) and returns the answer line;
  // one prompt at a time across parallel builds. Empty when stdin is closed.
  std::function<std::string(const std::string& question)> prompt;
  // What the build made and removed (see resource_log.h); the runner's
  // summary of an interrupted run reads it. May be null (then not recorded).
  std::shared_ptr<ResourceLog> resources;

  void Made(std::string what) const {
    if (resources) resources->Made(std::move(what));
  }
  void Removed(std::string what) const {
    if (resources) resources->Removed(std::move(what));
  }
  void Kept(std::string what) const {
    if (resources) resources->Kept(std::move(what));
  }

  // Records a {{build `Key`}} value for provisioners and post-processors.
  void SetBuildValue(const std::string& key, std::string value) {
    if (!interp.build_values) interp.build_values.emplace();
    (*interp.build_values)[key] = std::move(value);
  }
};

}  // namespace kiln::engine
