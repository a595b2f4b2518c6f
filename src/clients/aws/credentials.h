// The AWS credentials chain, in the SDKs' order: the template's access_key/
// secret_key/token, the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
// AWS_SESSION_TOKEN), the shared files (~/.aws/credentials, then
// ~/.aws/config; profile from the template, else AWS_PROFILE, else
// "default"; shared_credentials_file or AWS_SHARED_CREDENTIALS_FILE), and on
// EC2 the instance role through IMDSv2 (unless skip_metadata_api_check or
// AWS_EC2_METADATA_DISABLED=true; AWS_EC2_METADATA_SERVICE_ENDPOINT moves it).
#pragma once

#include <map>
#include <string>

#include "clients/aws/sigv4.h"
#include "util/cancel.h"
#include "util/error.h"

namespace kiln::clients::aws {

struct CredentialOptions {
  std::string access_key, secret_key, token;  // from the template
  std::string profile;
  std::string shared_credentials_file;
  bool skip_metadata_api_check = false;
  // False where there is no template to give keys (aws_secretsmanager): the
  // "no credentials" message then leaves the template out.
  bool template_keys = true;
};

// The first source that has a key; an error listing what was tried when none
// has. Every secret it returns should be registered for masking by the caller.
Result<Credentials> ResolveCredentials(const CredentialOptions& options, const CancelToken& cancel);

// An INI file's sections ("default", "profile dev") and their keys.
using IniFile = std::map<std::string, std::map<std::string, std::string>>;
IniFile ParseIni(const std::string& text);

// The region from the environment (AWS_REGION, AWS_DEFAULT_REGION) or the
// profile's `region` in ~/.aws/config; empty when none says.
std::string DefaultRegion(const std::string& profile);

}  // namespace kiln::clients::aws
