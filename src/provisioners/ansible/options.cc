#include "provisioners/ansible/options.h"

namespace kiln::provisioners::ansible {

const tmpl::Schema& Options() {
  using enum tmpl::OptionKind;
  static const tmpl::Schema schema = {
      .type = "ansible",
      .options = {
          {.name = "playbook_file", .required = true},
          {.name = "command", .default_value = "ansible-playbook"},
          {.name = "extra_arguments", .kind = kStringList},
          {.name = "ansible_env_vars", .kind = kStringList},
          {.name = "ansible_ssh_extra_args", .kind = kStringList},
          {.name = "groups", .kind = kStringList},
          {.name = "empty_groups", .kind = kStringList},
          {.name = "host_alias", .default_value = "default"},
          {.name = "user"},
          {.name = "local_port", .kind = kInt},
          {.name = "ssh_host_key_file"},
          {.name = "ssh_authorized_key_file"},
          {.name = "ansible_proxy_key_type"},
          {.name = "sftp_command"},
          {.name = "use_sftp", .kind = kBool},
          {.name = "use_proxy", .kind = kBool},
          {.name = "skip_version_check", .kind = kBool},
          {.name = "inventory_directory"},
          {.name = "inventory_file"},
          {.name = "inventory_file_template", .deferred = true},
          {.name = "keep_inventory_file", .kind = kBool},
          {.name = "galaxy_file"},
          {.name = "galaxy_command", .default_value = "ansible-galaxy"},
          {.name = "galaxy_force_install", .kind = kBool},
          {.name = "galaxy_force_with_deps", .kind = kBool},
          {.name = "roles_path"},
          {.name = "collections_path"},
          {.name = "ansible_winrm_use_http", .kind = kBool},
      },
  };
  return schema;
}

}  // namespace kiln::provisioners::ansible
