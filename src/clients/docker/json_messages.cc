#include "clients/docker/json_messages.h"

#include <nlohmann/json.hpp>

namespace kiln::clients::docker {
namespace {

std::string StringField(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

JsonMessageStream::JsonMessageStream(ProgressFn on_message)
    : on_message_(std::move(on_message)), lines_([this](std::string_view line) { OnLine(line); }) {}

void JsonMessageStream::OnLine(std::string_view line) {
  if (line.find_first_not_of(" \t") == std::string_view::npos) return;
  ProgressMessage msg;
  msg.raw = line;
  nlohmann::json j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (j.is_object()) {
    msg.id = StringField(j, "id");
    msg.status = StringField(j, "status");
    msg.progress = StringField(j, "progress");
    msg.error = StringField(j, "error");
    if (auto detail = j.find("errorDetail"); msg.error.empty() && detail != j.end() && detail->is_object())
      msg.error = StringField(*detail, "message");
    if (auto aux = j.find("aux"); aux != j.end() && aux->is_object()) {
      if (std::string d = StringField(*aux, "Digest"); !d.empty()) digest_ = d;
    }
  } else {
    msg.status = line;  // not JSON: pass it on as text rather than lose it
  }
  if (!msg.error.empty() && !error_) error_ = msg.error;
  if (!msg.status.empty()) {
    last_status_ = msg.status;
    // "latest: digest: sha256:… size: 528", from engines that send no aux.
    if (size_t at = msg.status.find("digest: "); digest_.empty() && at != std::string::npos) {
      std::string d = msg.status.substr(at + 8);
      digest_ = d.substr(0, d.find(' '));
    }
  }
  if (on_message_) on_message_(msg);
}

}  // namespace kiln::clients::docker
