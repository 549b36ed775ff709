#pragma once

#include "retain-clear/retained_rules.hpp"
#include "retain-clear/retained_store.hpp"

#include <string>
#include <vector>

namespace mqtk::apps::retain_clear {

// Everything the final report says besides the entries themselves.
struct run_report {
  std::vector<std::string> filters;
  std::vector<std::string> excludes;
  bool dry_run = false;
  std::string backup;                     // path of the backup file, empty when none
  bool backup_written = false;            // the backup file was (re)written by this run
  std::string listing_end;                // how the first listing ended: "sentinel" or "settle"
  bool verified = false;                  // the verification listing ran to its end
  std::vector<std::string> still_present; // topics the verification listing found
  std::string error;                      // non-empty: the run stopped early, and why
  std::size_t passes = 0;                 // clear passes (more than 1 when a listing missed messages)
  double elapsed_s = 0;
};

// Counts the entries' states and the verification's findings.
tally count(const std::vector<retained_entry> &entries, const run_report &report);

// Prints the report on stdout: one JSON object (json) or a readable list and summary line.
void print_report(const run_report &report, const std::vector<retained_entry> &entries, bool json);

} // namespace mqtk::apps::retain_clear
