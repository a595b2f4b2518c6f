// The ansible provisioner's options: ansible-playbook run on the local
// machine against the build's machine, through kiln's SSH proxy unless
// use_proxy is false.
#pragma once

#include "template/schema.h"

namespace kiln::provisioners::ansible {

// `inventory_file_template` is deferred (rendered with the host and port).
// `user` defaults to the local user and `use_proxy` is unset, true or false
// (unset: Packer decides), so neither has a default here.
const tmpl::Schema& Options();

}  // namespace kiln::provisioners::ansible
