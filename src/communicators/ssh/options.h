// The communicator options every machine builder accepts (Packer's
// communicator.Config): `communicator`, `pause_before_connecting`, ssh_* and
// winrm_*. Builders fold this schema in through Schema::includes; a builder
// with another default communicator (docker) declares its own
// `communicator`, which Schema::Find prefers.
#pragma once

#include "template/schema.h"
#include "util/error.h"

namespace kiln::communicators::ssh {

// Defaults are Packer's for the ssh communicator (ssh_port 22, ssh_timeout
// "5m", ...). winrm_port has none: Packer picks 5985, or 5986 with
// winrm_use_ssl. The old `ssh_wait_timeout` is kept under its own name and,
// when set, overrides ssh_timeout (as in Packer).
const tmpl::Schema& Options();

// Packer's communicator checks: a known `communicator` type, ssh_username or
// winrm_username for those types, known ssh_file_transfer_method and
// temporary_key_pair_type values, well-formed ssh_local_tunnels and
// ssh_remote_tunnels entries (each error at its place), and the ssh option
// combinations. Decode
// runs only the top schema's check, so each builder calls this from its own.
void Check(const tmpl::DecodedConfig& config, Diagnostics& diags);

}  // namespace kiln::communicators::ssh
