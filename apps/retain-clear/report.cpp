// mqtk-retain-clear: the final report, as a readable list or one JSON object (see the man page).
#include "retain-clear/report.hpp"

#include "common/json_message.hpp"
#include "common/stdout_writer.hpp"
#include "common/text_escape.hpp"

#include <cstdio>
#include <string_view>
#include <unordered_set>

namespace mqtk::apps::retain_clear {

namespace {

std::string hex_code(protocol::reason_code code) {
  char hex[8];
  std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned>(code));
  return hex;
}

void append_string_list(std::string &out, const std::vector<std::string> &items) {
  out += '[';
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i)
      out += ',';
    append_json_string(out, items[i]);
  }
  out += ']';
}

std::string json_report(const run_report &r, const std::vector<retained_entry> &entries, const tally &t) {
  std::string out = "{\"filters\":";
  append_string_list(out, r.filters);
  out += ",\"excludes\":";
  append_string_list(out, r.excludes);
  out += r.dry_run ? ",\"dry_run\":true" : ",\"dry_run\":false";
  out += ",\"backup\":";
  if (r.backup.empty())
    out += "null";
  else
    append_json_string(out, r.backup);
  out += r.backup_written ? ",\"backup_written\":true" : ",\"backup_written\":false";
  out += ",\"listing_end\":";
  append_json_string(out, r.listing_end.empty() ? "none" : r.listing_end);
  out += ",\"found\":[";
  bool first = true;
  for (const auto &e : entries) {
    if (!first)
      out += ',';
    first = false;
    out += "{\"topic\":";
    append_json_string(out, e.topic);
    out += ",\"qos\":" + std::to_string(static_cast<int>(e.qos)) +
           ",\"payload_bytes\":" + std::to_string(e.payload.size()) + '}';
  }
  out += "],\"cleared\":[";
  first = true;
  for (const auto &e : entries) {
    if (e.state != entry_state::cleared)
      continue;
    if (!first)
      out += ',';
    first = false;
    append_json_string(out, e.topic);
  }
  out += "],\"failed\":[";
  first = true;
  for (const auto &e : entries) {
    if (e.state != entry_state::failed)
      continue;
    if (!first)
      out += ',';
    first = false;
    out += "{\"topic\":";
    append_json_string(out, e.topic);
    out += ",\"reason_code\":" + std::to_string(static_cast<unsigned>(e.reason)) + ",\"reason\":";
    append_json_string(out, protocol::reason_code_name(e.reason));
    if (!e.detail.empty()) {
      out += ",\"detail\":";
      append_json_string(out, e.detail);
    }
    out += '}';
  }
  out += "],\"still_present\":";
  append_string_list(out, r.still_present);
  out += r.verified ? ",\"verified\":true" : ",\"verified\":false";
  out += ",\"passes\":" + std::to_string(r.passes);
  out += ",\"counts\":{\"found\":" + std::to_string(t.found) + ",\"cleared\":" + std::to_string(t.cleared) +
         ",\"failed\":" + std::to_string(t.failed) + ",\"still_present\":" + std::to_string(t.still_present) +
         '}';
  char elapsed[32];
  std::snprintf(elapsed, sizeof elapsed, "%.3f", r.elapsed_s);
  out += ",\"elapsed_s\":";
  out += elapsed;
  if (!r.error.empty()) {
    out += ",\"error\":";
    append_json_string(out, r.error);
  }
  out += "}\n";
  return out;
}

std::string text_report(const run_report &r, const std::vector<retained_entry> &entries, const tally &t) {
  std::string out;
  for (const auto &e : entries) {
    switch (e.state) {
    case entry_state::found:
      out += r.dry_run ? "would clear  " : "found        ";
      out += escaped(e.topic) + "  (" + std::to_string(e.payload.size()) +
             (e.payload.size() == 1 ? " byte, QoS " : " bytes, QoS ") +
             std::to_string(static_cast<int>(e.qos)) + ")\n";
      break;
    case entry_state::pending:
      out += "unconfirmed  " + escaped(e.topic) + "\n";
      break;
    case entry_state::cleared:
      out += "cleared      " + escaped(e.topic) + "\n";
      break;
    case entry_state::failed:
      out += "failed       " + escaped(e.topic) + "  " + std::string(protocol::reason_code_name(e.reason)) +
             " (" + hex_code(e.reason) + ")" + (e.detail.empty() ? "" : ": " + escaped(e.detail)) + "\n";
      break;
    case entry_state::kept:
      out +=
          "still there  " + escaped(e.topic) + "  (the broker acknowledged the clear but kept the message)\n";
      break;
    }
  }
  std::unordered_set<std::string_view> kept; // already shown as still there
  for (const auto &e : entries)
    if (e.state == entry_state::kept)
      kept.insert(e.topic);
  for (const auto &topic : r.still_present)
    if (kept.count(topic) == 0)
      out += "still there  " + escaped(topic) + "\n";
  out += "found " + std::to_string(t.found);
  if (r.dry_run) {
    out += ", nothing cleared (dry run)";
  } else if (t.found == 0 && r.error.empty()) {
    out += ", nothing to clear";
  } else {
    out += ", cleared " + std::to_string(t.cleared) + ", failed " + std::to_string(t.failed);
    if (r.verified)
      out += t.still_present == 0 ? "; verified: none left"
                                  : "; verification: " + std::to_string(t.still_present) + " still present";
  }
  if (r.backup_written)
    out += "; backup in " + r.backup;
  else if (!r.backup.empty())
    out +=
        "; " + r.backup + " not written" + (t.found == 0 && r.error.empty() ? " (nothing to back up)" : "");
  char elapsed[48];
  std::snprintf(elapsed, sizeof elapsed, " (%.2f s)\n", r.elapsed_s);
  out += elapsed;
  return out;
}

} // namespace

tally count(const std::vector<retained_entry> &entries, const run_report &report) {
  tally t;
  t.found = entries.size();
  for (const auto &e : entries) {
    t.cleared += e.state == entry_state::cleared ? 1 : 0;
    t.failed += e.state == entry_state::failed ? 1 : 0;
  }
  t.still_present = report.still_present.size();
  return t;
}

void print_report(const run_report &report, const std::vector<retained_entry> &entries, bool json) {
  const tally t = count(entries, report);
  const std::string out = json ? json_report(report, entries, t) : text_report(report, entries, t);
  write_stdout(out);
}

} // namespace mqtk::apps::retain_clear
