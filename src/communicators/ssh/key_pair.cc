#include "communicators/ssh/key_pair.h"

#include <fmt/format.h>
#include <libssh/libssh.h>

#include <cstdlib>
#include <memory>

#include "communicators/ssh/libssh_owners.h"

namespace kiln::communicators::ssh {
namespace {

// libssh's copy of a private key: wiped before it is freed.
struct WipeAndFree {
  void operator()(char* p) const {
    for (char* c = p; *c; ++c) *c = 0;
    std::free(p);
  }
};

}  // namespace

Result<KeyPair> GenerateKeyPair(const std::string& type, int bits, const std::string& comment) {
  ssh_keytypes_e kind;
  if (type == "rsa" || type.empty()) {
    kind = SSH_KEYTYPE_RSA;
    if (bits == 0) bits = 4096;
    if (bits < 2048)
      return std::unexpected(MakeError(fmt::format("temporary_key_pair_bits {} is too small for rsa", bits),
                                       "use 2048 or more (4096 by default)"));
  } else if (type == "ed25519") {
    kind = SSH_KEYTYPE_ED25519;
    bits = 0;
  } else if (type == "ecdsa") {
    kind = SSH_KEYTYPE_ECDSA;
    if (bits == 0) bits = 521;
  } else {
    return std::unexpected(MakeError(fmt::format("kiln cannot make a temporary '{}' key pair", type),
                                     "use rsa, ed25519 or ecdsa"));
  }
  ssh_key raw = nullptr;
  if (ssh_pki_generate(kind, bits, &raw) != SSH_OK)
    return std::unexpected(MakeError(fmt::format("cannot generate a temporary {} key pair", type)));
  KeyPtr key(raw);

  char* priv = nullptr;
  if (ssh_pki_export_privkey_base64(key.get(), nullptr, nullptr, nullptr, &priv) != SSH_OK)
    return std::unexpected(MakeError("cannot export the temporary private key"));
  std::unique_ptr<char, WipeAndFree> priv_owner(priv);
  KeyPair pair;
  pair.private_key = priv;

  char* pub = nullptr;
  if (ssh_pki_export_pubkey_base64(key.get(), &pub) != SSH_OK)
    return std::unexpected(MakeError("cannot export the temporary public key"));
  SshCharPtr pub_owner(pub);
  const char* name = ssh_key_type_to_char(ssh_key_type(key.get()));
  if (kind == SSH_KEYTYPE_ECDSA) name = ssh_pki_key_ecdsa_name(key.get());
  pair.authorized_key = fmt::format("{} {}", name, pub);
  if (!comment.empty()) pair.authorized_key += " " + comment;
  return pair;
}

}  // namespace kiln::communicators::ssh
