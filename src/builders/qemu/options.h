// The qemu builder's options (Packer's qemu Config with its ISO, HTTP,
// floppy, CD, boot-command and shutdown parts), with the communicator options
// folded in.
#pragma once

#include "template/schema.h"

namespace kiln::builders::qemu {

// `boot_command` and `qemuargs` are deferred ({{.HTTPIP}}, {{.HTTPPort}},
// {{.Name}}, ...). Defaults that depend on the build name (output_directory
// "output-<name>", vm_name "packer-<name>") or on the host (accelerator) are
// left to the builder. The old ssh_host_port_min/max keep their own names
// and, when set, win over host_port_min/max (as in Packer).
// Check: exactly one of iso_url and iso_urls; format qcow2 or raw; the
// disk_image-only options; then the communicator checks.
const tmpl::Schema& Options();

}  // namespace kiln::builders::qemu
