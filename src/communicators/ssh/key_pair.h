// Temporary key pairs for builders that inject a key into the machine they
// create (Packer's temporary_key_pair_type/_bits). The private key stays in
// memory: put it in Credentials::private_key, never on disk. RegisterSecrets
// masks it.
#pragma once

#include <string>

#include "util/error.h"

namespace kiln::communicators::ssh {

struct KeyPair {
  std::string private_key;     // PEM or OpenSSH format, as libssh exports it
  std::string authorized_key;  // "ssh-ed25519 AAAA... comment", one line, no newline
};

// `type` is "rsa" (bits 0 means 4096) or "ed25519" (bits ignored); ecdsa
// takes 256/384/521. `comment` ends the authorized_key line (Packer uses
// "packer_<uuid>").
Result<KeyPair> GenerateKeyPair(const std::string& type, int bits, const std::string& comment);

}  // namespace kiln::communicators::ssh
