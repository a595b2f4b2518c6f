// What the templates' aws_secretsmanager(name, key) and
// aws_secretsmanager_raw(name) do, in HCL2 and in legacy JSON alike: read
// the secret's current SecretString through Secrets Manager with the
// environment's AWS settings, then pick the value Packer would.
//
// Settings, as the AWS SDKs read them: region from AWS_REGION,
// AWS_DEFAULT_REGION or the profile's `region` (AWS_PROFILE, ~/.aws/config);
// credentials from the chain in credentials.h (no template options here);
// endpoint from AWS_ENDPOINT_URL_SECRETS_MANAGER or AWS_ENDPOINT_URL, else
// AWS's own for the region.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "util/error.h"

namespace kiln::clients::aws {

// Packer's choice from a secret string, for `key` (empty: none given):
//   * a JSON object: the key's value; without a key, the only key's value
//     (an error when there are several or none). A string value is returned
//     as it is, a number in JSON form (42, 1.5); anything else is an error.
//   * anything else (plain text, or JSON that is not an object): the whole
//     string when no key is given, an error naming the key when one is.
// Errors are one line naming `secret_name` and the key, never the value.
Result<std::string> SelectSecretValue(std::string_view secret_name, std::string_view secret_string,
                                      std::string_view key);

// Reads secret `name` and returns SelectSecretValue(..., *key), or with no
// key (aws_secretsmanager_raw) the secret string as it is. The value is
// registered with the process's output masking (for a raw JSON object, each
// of its string values too) before it is returned. Values are cached for the
// process, so a template that names a secret twice reads it once.
//
// Errors (their summary is the whole message, without a final period) name
// the secret and what failed: an empty name, no region, no credentials (with
// the places tried), an unreachable endpoint (its URL and curl's reason), a
// missing secret (ResourceNotFoundException), any other API error with its
// code, a binary secret, or SelectSecretValue's errors.
Result<std::string> ReadTemplateSecret(std::string_view name, std::optional<std::string_view> key);

}  // namespace kiln::clients::aws
