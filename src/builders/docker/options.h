// The docker builder's options (packer-plugin-docker's Config), with the
// communicator options folded in and `communicator` defaulting to "docker".
#pragma once

#include "template/schema.h"

namespace kiln::builders::docker {

// `run_command` is deferred: it is rendered at run time with {{.Image}}.
// Check: exactly one of commit, discard and export_path; ecr_login needs
// login_server; then the communicator checks.
const tmpl::Schema& Options();

// aws_access_key, aws_secret_key, aws_token, aws_profile: the credentials
// for ecr_login, shared with the docker-push post-processor.
const tmpl::Schema& EcrOptions();

}  // namespace kiln::builders::docker
