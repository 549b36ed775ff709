// MQTT 5.0 enhanced authentication by SCRAM: the packets around the SCRAM messages.
#include "enhanced_auth.hpp"

#include "mqtk/client/enhanced_auth.hpp"

namespace mqtk::client {

namespace {

std::string_view text_of(protocol::bytes_view data) {
  return {reinterpret_cast<const char *>(data.data()), data.size()};
}

} // namespace

std::string enhanced_auth_error(std::string_view method, const std::optional<std::string> &username,
                                const std::optional<std::string> &password) {
  const auto hash = detail::scram_hash_named(method);
  if (!hash)
    return "authentication method '" + std::string(method) + "' is not one of " + std::string(enhanced_auth_methods);
  const std::string name(detail::scram_method_name(*hash));
  if (!username || username->empty())
    return name + " needs a user name (-u/--username)";
  if (!password)
    return name + " needs a password (-P, --password-file, --password-prompt or MQTK_PASSWORD)";
  return detail::scram_credentials_error(*username, *password);
}

namespace detail {

std::unique_ptr<enhanced_auth> enhanced_auth::take(client_options &options) {
  if (options.auth_method.empty())
    return nullptr;
  protocol::session_options &s = options.session;
  const auto hash = scram_hash_named(options.auth_method);
  std::unique_ptr<enhanced_auth> out(
      new enhanced_auth(hash.value_or(scram_hash::sha256), s.username.value_or(""), s.password.value_or("")));
  out->setup_error_ = enhanced_auth_error(options.auth_method, s.username, s.password);
  if (out->setup_error_.empty() && s.version != protocol::protocol_version::v5)
    out->setup_error_ = "enhanced authentication (" + options.auth_method + ") needs MQTT 5";
  s.password.reset();
  return out;
}

enhanced_auth::enhanced_auth(scram_hash hash, std::string username, std::string password)
    : hash_(hash), username_(std::move(username)), password_(std::move(password)) {}

protocol::bytes_view enhanced_auth::begin() {
  scram_.emplace(hash_, username_, password_);
  data_ = scram_->client_first();
  final_sent_ = false;
  failure_ = {};
  return {reinterpret_cast<const std::uint8_t *>(data_.data()), data_.size()};
}

bool enhanced_auth::fail(close_kind kind, std::string message) {
  failure_ = {kind, std::move(message)};
  return false;
}

bool enhanced_auth::method_matches(const protocol::properties &props, std::string_view packet) {
  if (props.authentication_method && *props.authentication_method == method())
    return true;
  const std::string named = props.authentication_method
                                ? "names authentication method '" + std::string(*props.authentication_method) + "'"
                                : "has no authentication method";
  return fail(close_kind::protocol, "protocol error by the broker: its " + std::string(packet) + " " + named +
                                        ", not " + std::string(method()) + " as our CONNECT [MQTT-4.12.0-5]");
}

const protocol::auth *enhanced_auth::on_auth(const protocol::auth &p) {
  if (!scram_) {
    fail(close_kind::protocol, "protocol error by the broker: AUTH before our CONNECT");
    return nullptr;
  }
  if (p.reason != protocol::reason_code::continue_authentication) {
    fail(close_kind::protocol, "protocol error by the broker: AUTH with reason " +
                                   protocol::reason_code_text(p.reason) + " during authentication (want "
                                   "Continue authentication, then CONNACK)");
    return nullptr;
  }
  if (!method_matches(p.props, "AUTH"))
    return nullptr;
  const std::string prefix = std::string(method()) + " authentication failed: ";
  if (final_sent_) {
    fail(close_kind::refused, prefix + "the broker sent another AUTH after our client-final-message");
    return nullptr;
  }
  if (!p.props.authentication_data) {
    fail(close_kind::refused, prefix + "the broker's AUTH carries no server-first-message");
    return nullptr;
  }
  const auto final = scram_->client_final(text_of(*p.props.authentication_data));
  if (!final) {
    fail(close_kind::refused, prefix + scram_->error());
    return nullptr;
  }
  data_ = *final;
  final_sent_ = true;
  reply_ = {};
  reply_.reason = protocol::reason_code::continue_authentication;
  reply_.props.authentication_method = method();
  reply_.props.authentication_data = protocol::bytes_view{reinterpret_cast<const std::uint8_t *>(data_.data()),
                                                          data_.size()};
  return &reply_;
}

bool enhanced_auth::on_connack(const protocol::connack &p) {
  if (!method_matches(p.props, "CONNACK"))
    return false;
  const std::string prefix = std::string(method()) + " authentication failed: ";
  if (!final_sent_)
    return fail(close_kind::refused, prefix + "the broker accepted the connection without a SCRAM exchange, so it "
                                              "never proved it knows the password");
  if (!p.props.authentication_data)
    return fail(close_kind::refused, prefix + "the CONNACK carries no server-final-message (server signature)");
  if (!scram_->verify_server_final(text_of(*p.props.authentication_data)))
    return fail(close_kind::refused, prefix + scram_->error());
  return true;
}

std::string enhanced_auth::refusal_detail(const protocol::connack &p) const {
  if (!p.props.authentication_data || p.props.authentication_data->empty())
    return {};
  const std::string_view data = text_of(*p.props.authentication_data);
  return " (" + std::string(method()) + ": '" + std::string(data.substr(0, 120)) + "')";
}

std::string enhanced_auth::pending_note() const {
  return final_sent_ ? " (" + std::string(method()) + ": no answer to our client-final-message)"
                     : " (" + std::string(method()) + ": no answer to our client-first-message)";
}

} // namespace detail
} // namespace mqtk::client
