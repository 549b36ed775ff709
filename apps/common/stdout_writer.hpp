#pragma once

#include <string_view>

namespace mqtk::apps {

// Writes text to stdout through stdio, flushed unless flush is false. Once a write fails, nothing
// more is written: a closed pipe (EPIPE, `| head`) ends output quietly; any other failure (a full
// disk, an I/O error) prints "cannot write to stdout: <why>" once. Returns false once stdout failed.
bool write_stdout(std::string_view text, bool flush = true);

// Flushes stdout and returns the exit status to end with: status, or 1 (exit_internal) when stdout
// failed for another reason than a closed pipe and status is 0. Call once, before exiting.
int finish_stdout(int status);

} // namespace mqtk::apps
