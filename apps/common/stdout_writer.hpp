#pragma once

#include <string_view>

namespace mqtk::apps {

// Writes text to stdout, at once unless flush is false (then once 8 KiB are pending). Never blocks
// on a reader that stops reading (see fd_writer): what stdout does not take now is kept, up to
// 16 MiB; past that it waits for the reader, at most 10 s without progress. Once a write fails,
// nothing more is written: a closed pipe (EPIPE, `| head`) ends output quietly; any other failure
// (a full disk, an I/O error, a reader that took nothing for 10 s) prints "cannot write to stdout:
// <why>" once. Returns false once stdout failed.
bool write_stdout(std::string_view text, bool flush = true);

// Writes what is pending, waiting for a slow reader while it takes something at least every 10 s
// (at most 2 s in all once interrupted: status 130, or a signal meanwhile), and returns the exit status to
// end with: status, or 1 (exit_internal) when stdout failed for another reason than a closed pipe
// and status is 0. Call once, before exiting.
int finish_stdout(int status);

} // namespace mqtk::apps
