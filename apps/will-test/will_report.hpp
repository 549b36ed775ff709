#pragma once

#include "will-test/scenario_result.hpp"

#include <string>
#include <vector>

namespace mqtk::apps::will_test {

// Appends one scenario as a JSON object (no newline); fields documented in mqtk-will-test(1).
void append_result_json(std::string &out, const scenario_result &result);

// Appends the readable table: one row per scenario, then each difference and error below it.
void append_result_table(std::string &out, const std::vector<scenario_result> &results);

// Prints the results on stdout: one JSON line per scenario (json) or the table.
void print_results(const std::vector<scenario_result> &results, bool json);

} // namespace mqtk::apps::will_test
