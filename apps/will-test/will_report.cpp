// mqtk-will-test: the report, as a table or one JSON line per scenario (see the man page).
#include "will-test/will_report.hpp"

#include "common/json_message.hpp"
#include "common/text_escape.hpp"
#include "common/stdout_writer.hpp"

#include <cstdio>

namespace mqtk::apps::will_test {

namespace {

std::string verdict_text(const scenario_result &r) {
  if (!r.error.empty())
    return "error";
  if (r.skipped())
    return "skipped";
  if (r.late())
    return "late";
  return r.passed() ? "ok" : "FAILED";
}

std::string expected_text(const scenario_result &r) {
  if (!r.error.empty() && !r.ended)
    return "-";
  if (!r.expected.applicable)
    return "n/a";
  if (r.expected.either)
    return "either";
  if (!r.expected.will)
    return "no will";
  return "will at " + format_seconds(r.expected.nominal_s) + " s";
}

std::string observed_text(const scenario_result &r) {
  if (!r.ended)
    return "-";
  return r.will ? "will" : "no will";
}

void pad(std::string &out, const std::string &text, std::size_t width) {
  out += text;
  out.append(text.size() < width ? width - text.size() : 1, ' ');
}

} // namespace

void append_result_json(std::string &out, const scenario_result &r) {
  out += "{\"scenario\":";
  append_json_string(out, end_mode_name(r.mode));
  out += ",\"client_id\":";
  append_json_string(out, r.client_id);
  out += ",\"will_topic\":";
  append_json_string(out, r.will_topic);
  out += ",\"result\":";
  append_json_string(out, verdict_text(r));
  out += r.passed() ? ",\"passed\":true" : ",\"passed\":false";
  out += ",\"expected\":{\"will\":";
  out += r.expected.will ? "true" : "false";
  out += r.expected.either ? ",\"either\":true" : ",\"either\":false";
  out += ",\"applicable\":";
  out += r.expected.applicable ? "true" : "false";
  out += ",\"latency_s\":" + format_seconds(r.expected.nominal_s) +
         ",\"earliest_s\":" + format_seconds(r.expected.earliest_s) +
         ",\"latest_s\":" + format_seconds(r.expected.latest_s) + ",\"rule\":";
  append_json_string(out, r.expected.applicable ? r.expected.rule : r.expected.why);
  out += "},\"observed\":{\"will\":";
  out += r.will ? "true" : "false";
  out += ",\"message\":";
  if (r.will)
    append_message_json(out, r.will->view(), std::nullopt);
  else
    out += "null";
  out += ",\"retained_copy\":";
  out += r.retained_copy ? (*r.retained_copy ? "true" : "false") : "null";
  out += "},\"latency_s\":";
  out += r.will ? format_seconds(r.latency_s) : "null";
  out += ",\"wait_s\":";
  out += r.ended ? format_seconds(r.wait_s) : "null";
  out += ",\"differences\":[";
  for (std::size_t i = 0; i < r.differences.size(); ++i) {
    const auto &d = r.differences[i];
    if (i)
      out += ',';
    out += "{\"field\":";
    append_json_string(out, d.field);
    out += ",\"expected\":";
    append_json_string(out, d.expected);
    out += ",\"observed\":";
    append_json_string(out, d.observed);
    out += '}';
  }
  out += ']';
  if (!r.error.empty()) {
    out += ",\"error\":";
    append_json_string(out, r.error);
  }
  out += '}';
}

void append_result_table(std::string &out, const std::vector<scenario_result> &results) {
  out += "scenario              expected          observed  latency    result\n";
  for (const auto &r : results) {
    pad(out, std::string(end_mode_name(r.mode)), 22);
    pad(out, expected_text(r), 18);
    pad(out, observed_text(r), 10);
    pad(out, r.will ? format_seconds(r.latency_s) + " s" : "-", 11);
    out += verdict_text(r) + "\n";
    for (const auto &d : r.differences)
      // a will's topic, payload and properties come from the broker: one escaped line each
      out += "    " + d.field + ": expected " + escaped(d.expected) + ", observed " + escaped(d.observed) + "\n";
    if (!r.error.empty())
      out += "    error: " + escaped(r.error) + "\n";
    else if (r.skipped())
      out += "    skipped: " + r.expected.why + "\n";
  }
}

void print_results(const std::vector<scenario_result> &results, bool json) {
  std::string out;
  if (json) {
    for (const auto &r : results) {
      append_result_json(out, r);
      out += '\n';
    }
  } else {
    append_result_table(out, results);
  }
  write_stdout(out);
}

} // namespace mqtk::apps::will_test
