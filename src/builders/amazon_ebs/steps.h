// The amazon-ebs builder's steps, in the order they run (Packer's list).
// Each says what it creates and what its Cleanup undoes; cleanups run in
// reverse order on success, failure and interrupt, with a token no Ctrl-C
// trips, so every temporary resource goes.
#pragma once

#include <map>
#include <string>

#include "builders/amazon_ebs/state.h"

namespace kiln::builders::amazon_ebs {

#define KILN_AWS_STEP(Name)                                  \
  class Name : public engine::Step<State> {                  \
   public:                                                   \
    std::string_view name() const override { return #Name; } \
    engine::StepAction Run(State& state) override;           \
  };


// Checks the regions exist (DescribeRegions, unless skip_region_validation)
// and that no AMI has ami_name yet (unless force_deregister). Creates nothing.
KILN_AWS_STEP(StepPreValidate)
// Finds the source AMI (source_ami, or source_ami_filter with owners and
// most_recent); it must be EBS-backed. Sets the SourceAMI* build values.
KILN_AWS_STEP(StepSourceAmiInfo)
// Creates the temporary key pair kiln_<run> (rsa or ed25519), unless
// ssh_keypair_name names one (its key read from ssh_private_key_file) or
// ssh_password is used. Cleanup deletes the temporary key pair.
class StepKeyPair : public engine::Step<State> {
 public:
  std::string_view name() const override { return "StepKeyPair"; }
  engine::StepAction Run(State& state) override;
  void Cleanup(State& state) override;
  std::optional<std::string> Leftover(const State& state) const override;

 private:
  bool created_ = false;  // a temporary key pair kiln made
};
// Uses security_group_ids or security_group_filter, else creates the
// temporary group kiln_<run> open on the SSH port to
// temporary_security_group_source_cidrs (CreateSecurityGroup is finished
// even when the build is cancelled). Cleanup deletes it (retrying while the
// terminating instance still holds it), found by name if its ID is unknown.
class StepSecurityGroup : public engine::Step<State> {
 public:
  std::string_view name() const override { return "StepSecurityGroup"; }
  engine::StepAction Run(State& state) override;
  void Cleanup(State& state) override;
  std::optional<std::string> Leftover(const State& state) const override;

 private:
  std::string created_;  // the temporary group's ID
  std::string lost_;     // the group's name, when it may exist but its ID is unknown
};
// Creates nothing. Cleanup (after the instance is terminated) deletes the
// volumes launch_block_device_mappings made that outlived the instance (found
// by the build tag when the launch's answer was lost).
class StepCleanupVolumes : public engine::Step<State> {
 public:
  std::string_view name() const override { return "StepCleanupVolumes"; }
  engine::StepAction Run(State& state) override;
  void Cleanup(State& state) override;
  std::optional<std::string> Leftover(const State& state) const override;
};
// Launches the source instance (run_tags, user_data, block devices, network;
// the instance and its volumes also carry the build tag) and waits until it
// runs. RunInstances carries a ClientToken, so a retried call cannot make a
// second instance, and is finished even when the build is cancelled. Cleanup
// terminates it and waits until it is gone; if its ID was never learnt, it
// finds it by the build tag.
class StepRunSourceInstance : public engine::Step<State> {
 public:
  std::string_view name() const override { return "StepRunSourceInstance"; }
  engine::StepAction Run(State& state) override;
  void Cleanup(State& state) override;
  std::optional<std::string> Leftover(const State& state) const override;

 private:
  std::string instance_id_;
  std::string client_token_;  // RunInstances' idempotency token, one per build
};
// Connects over SSH (the communicator seam; the none communicator with "none") and runs
// the provisioners. The connection is closed when the step ends.
KILN_AWS_STEP(StepProvision)
// Stops the instance (unless disable_stop_instance) and waits for it.
KILN_AWS_STEP(StepStopInstance)
// force_deregister: deregisters AMIs already named ami_name in every target
// region, and with force_delete_snapshot deletes their snapshots.
KILN_AWS_STEP(StepDeregisterAmi)
// Creates the AMI from the stopped instance (CreateImage is finished even when
// the build is cancelled) and waits until it is available. Cleanup, when the
// build failed or was interrupted before the artifact was made, deregisters
// it and deletes its snapshots; an AMI whose ID is unknown is found by name.
class StepCreateAmi : public engine::Step<State> {
 public:
  std::string_view name() const override { return "StepCreateAmi"; }
  engine::StepAction Run(State& state) override;
  void Cleanup(State& state) override;
  std::optional<std::string> Leftover(const State& state) const override;

 private:
  std::string image_id_;
  bool lost_ = false;  // CreateImage may have made an AMI whose ID is unknown
};
// Copies the AMI to ami_regions (CopyImage with a ClientToken, finished even
// when the build is cancelled) and waits for the copies. Cleanup, when the
// build failed or was interrupted, deregisters the copies and deletes their
// snapshots; a copy whose ID is unknown is found by name in its region.
class StepAmiRegionCopy : public engine::Step<State> {
 public:
  std::string_view name() const override { return "StepAmiRegionCopy"; }
  engine::StepAction Run(State& state) override;
  void Cleanup(State& state) override;
  std::optional<std::string> Leftover(const State& state) const override;

 private:
  std::map<std::string, std::string> copies_;  // region -> AMI ID
  std::vector<std::string> lost_;              // regions where a copy's ID is unknown
};
// Sets the description and launch permissions (ami_users, ami_groups) of the
// AMI in every region.
KILN_AWS_STEP(StepModifyAmiAttributes)
// Tags the AMI and its snapshots in every region (tags, snapshot_tags), and
// makes the artifact.
KILN_AWS_STEP(StepCreateTags)

#undef KILN_AWS_STEP

// BlockDeviceMapping.N.* parameters (RunInstances, CreateImage).
void AddBlockDevices(clients::aws::Params& params, const std::vector<BlockDevice>& devices);

// A step's API error, as the build's error.
engine::StepAction Fail(State& state, const clients::aws::ApiError& error);

}  // namespace kiln::builders::amazon_ebs
