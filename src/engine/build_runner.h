// Runs a template's prepared builds, as `kiln build` does: each build in its
// own thread (at most -parallel-builds at once), its builder with the
// engine's provision hook, then its post-processor chains, then Packer's
// summary of errors and artifacts. A failing build never stops the others.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "engine/artifact.h"
#include "engine/build_context.h"
#include "engine/builder.h"
#include "engine/post_processor.h"
#include "engine/provision_hook.h"
#include "template/prepare.h"
#include "ui/ui.h"
#include "util/cancel.h"

namespace kiln::engine {

// The one seam between the engine and the components it runs: the catalog's
// factories in kiln, test doubles in the engine's tests.
struct ComponentFactory {
  std::function<Result<std::unique_ptr<Builder>>(std::string_view type, const tmpl::DecodedConfig& config)> builder =
      catalog::MakeBuilder;
  ProvisionerMaker provisioner = catalog::MakeProvisioner;
  std::function<Result<std::unique_ptr<PostProcessor>>(std::string_view type, const tmpl::DecodedConfig& config)>
      post_processor = catalog::MakePostProcessor;
};

struct RunOptions {
  int parallel_builds = 0;  // -parallel-builds: 0 = no limit
  OnError on_error = OnError::kCleanup;
  bool debug = false;  // pause before each step; also one build at a time, as Packer
  bool force = false;
  int input_fd = 0;  // where -debug and -on-error=ask read answers (stdin)
  std::chrono::milliseconds retry_backoff = std::chrono::seconds(2);  // first max_retries wait, doubling
  ComponentFactory components;
};

// Runs `builds` and prints the summary; returns the exit code: 1 when any
// build failed or `cancel` tripped (Ctrl-C; see signals.h), else 0. `base` is
// the run's interpolation context (start time, dirs); each build gets a copy
// with `user_vars`, its name and type, and later its build values. One
// packer_run_uuid serves the whole run: $PACKER_RUN_UUID or a random one.
int RunBuilds(std::span<const tmpl::PreparedBuild> builds, const interpolate::Context& base,
              const std::map<std::string, std::string>& user_vars, const RunOptions& options, ui::Ui& ui,
              CancelToken& cancel);

// One build's post-processor chains, with Packer's semantics: each chain
// starts from `built`; each step gets the previous step's artifact. An
// intermediate artifact is destroyed unless kept (the post-processor's
// keep_input, or its force_keep, or keep_input_artifact, whose explicit false
// beats keep_input but never force_keep); `built` is kept if any chain's first
// post-processor keeps it, else destroyed after all chains ran. A failure (or
// a null artifact) stops its chain and leaves that chain's current artifact
// in place. Failures are appended to `errors`. Returns the artifacts to
// report: `built` first when kept, then kept intermediates and each chain's
// last artifact.
std::vector<std::unique_ptr<Artifact>> RunPostProcessors(const tmpl::PreparedBuild& build, BuildContext& ctx,
                                                         std::unique_ptr<Artifact> built,
                                                         const ComponentFactory& components,
                                                         std::vector<Error>& errors);

// Durations as Packer prints them: "1 minute 2 seconds", "340 milliseconds".
std::string HumanDuration(std::chrono::milliseconds d);

}  // namespace kiln::engine
