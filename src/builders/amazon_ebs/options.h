// The amazon-ebs builder's options: Packer's AccessConfig, AMIConfig,
// RunConfig and the ebs builder's own, with the communicator options folded
// in.
#pragma once

#include "template/schema.h"

namespace kiln::builders::amazon_ebs {

// The tag options (tags, tag, run_tags, snapshot_tags, ...) and
// ami_description are deferred: Packer renders them after the source AMI is
// known ({{.SourceAMI}}, {{.BuildRegion}}, ...). `region` is not required:
// like Packer, kiln may take it from AWS_REGION or the shared config.
// Check: source_ami or source_ami_filter (with owners); instance_type or
// spot_instance_types; ami_name's length and characters; option pairs that
// exclude each other; known shutdown_behavior, ssh_interface and tenancy
// values; a temporary key pair EC2 can make (rsa, ed25519); what
// ssh_keypair_name needs; then the communicator checks.
const tmpl::Schema& Options();

}  // namespace kiln::builders::amazon_ebs
