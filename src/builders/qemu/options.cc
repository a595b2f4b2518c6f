#include "builders/qemu/options.h"

#include <fmt/format.h>

#include "communicators/ssh/options.h"

namespace kiln::builders::qemu {
namespace {

using enum tmpl::OptionKind;

const tmpl::Schema& QemuImgArgs() {
  static const tmpl::Schema schema = {
      .type = "qemu_img_args",
      .options = {
          {.name = "convert", .kind = kStringList},
          {.name = "create", .kind = kStringList},
          {.name = "resize", .kind = kStringList},
      },
  };
  return schema;
}

void Check(const tmpl::DecodedConfig& c, Diagnostics& diags) {
  if (c.Given("iso_url") == c.Given("iso_urls"))
    diags.push_back(MakeError(c.where, "exactly one of iso_url or iso_urls must be set",
                              c.Given("iso_url") ? "iso_url and iso_urls are both set; keep one"
                                                 : "set iso_url to the ISO or disk image to boot from, or iso_urls "
                                                   "to mirrors of it tried in order"));
  const nlohmann::json& format = c["format"];
  if (format != "qcow2" && format != "raw")
    diags.push_back(MakeError(c.At("format"),
                              fmt::format("unknown format '{}'", format.is_string() ? format.get<std::string>() : ""),
                              "use qcow2 or raw"));
  if (c.Given("use_backing_file") && !(c.Given("disk_image") && format == "qcow2"))
    diags.push_back(MakeError(c.At("use_backing_file"), "use_backing_file needs disk_image and format qcow2",
                              "set \"disk_image\": true and \"format\": \"qcow2\", or remove use_backing_file"));
  if (c.Given("skip_resize_disk") && !c.Given("disk_image"))
    diags.push_back(MakeError(c.At("skip_resize_disk"), "skip_resize_disk needs disk_image",
                              "set \"disk_image\": true, or remove skip_resize_disk"));
  communicators::ssh::Check(c, diags);
}

}  // namespace

const tmpl::Schema& Options() {
  static const tmpl::Schema schema = {
      .type = "qemu",
      .options = {
          // The source: an ISO, or a disk image when disk_image is true.
          {.name = "iso_url"},
          {.name = "iso_urls", .kind = kStringList},
          {.name = "iso_checksum", .required = true},  // "none" skips the check
          {.name = "iso_target_path"},
          {.name = "iso_target_extension"},
          {.name = "iso_skip_cache", .kind = kBool},
          {.name = "disk_image", .kind = kBool},
          {.name = "use_backing_file", .kind = kBool},

          // The machine and its disks.
          {.name = "qemu_binary", .default_value = "qemu-system-x86_64"},
          {.name = "accelerator"},  // kvm when available, else tcg
          {.name = "machine_type", .default_value = "pc"},
          {.name = "cpus", .kind = kInt, .default_value = 1},
          {.name = "cpu_model"},
          {.name = "memory", .kind = kInt, .default_value = 512},
          {.name = "disk_size", .default_value = "40960M"},
          {.name = "disk_additional_size", .kind = kStringList},
          {.name = "disk_interface", .default_value = "virtio"},
          {.name = "disk_cache", .default_value = "writeback"},
          {.name = "disk_discard", .default_value = "ignore"},
          {.name = "disk_detect_zeroes", .default_value = "off"},
          {.name = "disk_compression", .kind = kBool},
          {.name = "skip_compaction", .kind = kBool},
          {.name = "skip_resize_disk", .kind = kBool},
          {.name = "format", .default_value = "qcow2"},
          {.name = "net_device", .default_value = "virtio-net"},
          {.name = "net_bridge"},
          {.name = "cdrom_interface"},
          {.name = "firmware"},
          {.name = "efi_boot", .kind = kBool},
          {.name = "qemuargs", .kind = kAny, .deferred = true},  // a list of argument lists
          {.name = "qemu_img_args", .kind = kBlock, .block = &QemuImgArgs()},
          {.name = "output_directory"},
          {.name = "vm_name"},
          {.name = "run_once", .kind = kBool},

          // Display, VNC and QMP.
          {.name = "headless", .kind = kBool},
          {.name = "display"},
          {.name = "use_default_display", .kind = kBool},
          {.name = "vnc_bind_address", .default_value = "127.0.0.1"},
          {.name = "vnc_use_password", .kind = kBool},
          {.name = "vnc_port_min", .kind = kInt, .default_value = 5900},
          {.name = "vnc_port_max", .kind = kInt, .default_value = 6000},
          {.name = "qmp_enable", .kind = kBool},
          {.name = "qmp_socket_path"},

          // Booting: typed keys, served files, floppy and CD.
          {.name = "boot_command", .kind = kStringList, .deferred = true},
          {.name = "boot_wait", .kind = kDuration, .default_value = "10s"},
          {.name = "boot_key_interval", .kind = kDuration},
          {.name = "boot_keygroup_interval", .kind = kDuration},
          {.name = "disable_vnc", .kind = kBool},
          {.name = "http_directory"},
          {.name = "http_content", .kind = kStringMap},
          {.name = "http_port_min", .kind = kInt, .default_value = 8000},
          {.name = "http_port_max", .kind = kInt, .default_value = 9000},
          {.name = "http_bind_address", .default_value = "0.0.0.0"},
          {.name = "http_interface"},
          {.name = "floppy_files", .kind = kStringList},
          {.name = "floppy_dirs", .kind = kStringList},
          {.name = "floppy_label"},
          {.name = "cd_files", .kind = kStringList},
          {.name = "cd_content", .kind = kStringMap},
          {.name = "cd_label"},

          // Shutting down.
          {.name = "shutdown_command"},
          {.name = "shutdown_timeout", .kind = kDuration, .default_value = "5m"},

          // Port forwarding for the communicator (user-mode networking).
          {.name = "host_port_min", .kind = kInt, .default_value = 2222},
          {.name = "host_port_max", .kind = kInt, .default_value = 4444},
          {.name = "ssh_host_port_min", .kind = kInt, .replaced_by = "host_port_min"},
          {.name = "ssh_host_port_max", .kind = kInt, .replaced_by = "host_port_max"},
          {.name = "skip_nat_mapping", .kind = kBool},
      },
      .includes = {&communicators::ssh::Options()},
      .check = Check,
  };
  return schema;
}

}  // namespace kiln::builders::qemu
