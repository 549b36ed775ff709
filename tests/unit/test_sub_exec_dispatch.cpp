// mqtk-sub's exec_dispatch: MQTT_* environment, order kept per topic, --jobs bound, queue bound.
#include "../../apps/sub/exec_dispatch.hpp"

#include <doctest/doctest.h>

#include <map>

using namespace mqtk;
using mqtk::apps::child_result;
using mqtk::apps::runtime;
using mqtk::apps::shell_command;
using mqtk::apps::sub::exec_dispatch;
using mqtk::apps::sub::exec_job;
using mqtk::apps::sub::message_environment;

namespace {

protocol::publish message(std::string_view topic, std::string_view payload) {
  protocol::publish m;
  m.topic = topic;
  m.payload = protocol::as_bytes(payload);
  return m;
}

} // namespace

TEST_CASE("message_environment: topic, qos, retain, properties; binary correlation data in base64") {
  auto m = message("a/b", "x");
  m.qos = protocol::qos::at_least_once;
  m.retain = true;
  m.packet_id = 7;
  const std::uint8_t binary[] = {0x00, 0xff};
  m.props.correlation_data = protocol::bytes_view(binary);
  m.props.content_type = "text/plain";
  m.props.user_properties = {{"k", "v"}, {"k", "w"}};
  const auto env = message_environment(m);
  const std::map<std::string, std::string> got(env.begin(), env.end());
  CHECK(got.at("MQTT_TOPIC") == "a/b");
  CHECK(got.at("MQTT_QOS") == "1");
  CHECK(got.at("MQTT_RETAIN") == "1");
  CHECK(got.at("MQTT_MID") == "7");
  CHECK(got.at("MQTT_CONTENT_TYPE") == "text/plain");
  CHECK(got.at("MQTT_CORRELATION_DATA_HEX") == "00ff");
  CHECK(got.count("MQTT_CORRELATION_DATA") == 0); // not text: only in hex
  CHECK(got.at("MQTT_USER_PROPERTIES") == R"([["k","v"],["k","w"]])");
  CHECK(got.count("MQTT_RESPONSE_TOPIC") == 0);
}

TEST_CASE("message_environment: QoS 0 has no MQTT_MID; text correlation data also as is") {
  auto m = message("a", "");
  m.props.correlation_data = protocol::as_bytes(std::string_view("id-1"));
  m.props.message_expiry_interval = 30;
  m.props.subscription_identifiers = {3, 9};
  const auto env = message_environment(m);
  const std::map<std::string, std::string> got(env.begin(), env.end());
  CHECK(got.count("MQTT_MID") == 0);
  CHECK(got.at("MQTT_QOS") == "0");
  CHECK(got.at("MQTT_CORRELATION_DATA") == "id-1");
  CHECK(got.at("MQTT_CORRELATION_DATA_HEX") == "69642d31");
  CHECK(got.at("MQTT_MESSAGE_EXPIRY") == "30");
  CHECK(got.at("MQTT_SUBSCRIPTION_IDS") == "3,9");
}

TEST_CASE("exec_dispatch: one topic runs in order, failures counted, the queue bound is reported") {
  runtime rt;
  std::string seen;
  const auto argv = shell_command("cat; echo \" $MQTT_TOPIC\"");
  exec_dispatch d(rt, 4, std::chrono::milliseconds(5000), 3, [&](const exec_job &job, const child_result &r) {
    CHECK(job.topic == "t");
    seen += r.output;
  });
  d.on_idle([&] { rt.finish(0); });
  CHECK(d.submit(message("t", "1"), argv));
  CHECK(d.submit(message("t", "2"), argv));
  CHECK_FALSE(d.submit(message("t", "3"), argv)); // 3 held: stop reading
  bool room = false;
  d.on_room([&] { room = true; });
  rt.run();
  CHECK(seen == "1 t\n2 t\n3 t\n");
  CHECK(room);
  CHECK(d.failures() == 0);
}

TEST_CASE("exec_dispatch: failures and timeouts are counted across topics") {
  runtime rt;
  int results = 0;
  const auto argv = shell_command("[ \"$MQTT_TOPIC\" = ok ] || { [ \"$MQTT_TOPIC\" = hang ] && sleep 30; exit 1; }");
  exec_dispatch d(rt, 2, std::chrono::milliseconds(200), 100,
                  [&](const exec_job &, const child_result &) { ++results; });
  d.on_idle([&] { rt.finish(0); });
  d.submit(message("ok", ""), argv);
  d.submit(message("bad", ""), argv);
  d.submit(message("hang", ""), argv);
  rt.run();
  CHECK(results == 3);
  CHECK(d.failures() == 2);
  CHECK(d.finished() == 3);
}

TEST_CASE("exec_dispatch: stop without killing drops the queued commands and lets the running one end") {
  runtime rt;
  std::string seen;
  const auto argv = shell_command("sleep 0.2; cat");
  exec_dispatch d(rt, 1, std::chrono::milliseconds(5000), 100,
                  [&](const exec_job &, const child_result &r) { seen += r.output; });
  d.on_idle([&] { rt.finish(0); });
  d.submit(message("t", "1"), argv);
  d.submit(message("t", "2"), argv);
  d.submit(message("u", "3"), argv); // waits for the only slot
  d.stop(false);
  CHECK(d.pending() == 1);
  rt.run();
  CHECK(seen == "1");
  CHECK(d.failures() == 0);
}
