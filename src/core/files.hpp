// The files a run names, checked before any work: outputs that can be written and replace no
// input, and text inputs read whole with a size limit. Internal header (the CLI and the modules
// that read text files use it).
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "scicov/core.hpp"

namespace scicov::core {

/// A path given on the command line, with the option that gave it (for messages; empty for a
/// positional argument).
struct NamedPath {
    std::string option;
    std::filesystem::path path;
};

/// Checks, before any work, every output of a run (empty paths are skipped):
/// - usage errors (exit 2): an output that is a folder or another non-regular file (a device, a
///   FIFO); an output that is the same file as an input, or as another output. Files are compared
///   by identity (device and inode), not by spelling: `a.gpkg`, `./a.gpkg`, a symlink and a hard
///   link to it all match. Inputs that are not files (a "PG:" connection) match nothing.
/// - io errors (exit 1) naming the output: its folder does not exist, is not a folder, or cannot
///   be written (with the system's reason: permission denied, read-only file system).
void check_outputs(const std::vector<NamedPath>& outputs, const std::vector<NamedPath>& inputs);

/// True when both paths name one existing file (device and inode); false when either is missing.
bool same_file(const std::filesystem::path& a, const std::filesystem::path& b) noexcept;

/// Reads a text file whole, refusing (an error of `kind` naming the file) what is not a regular
/// file (a folder, a FIFO, /dev/zero) and a file larger than `max_bytes`, before reading it.
std::string read_text_file(const std::filesystem::path& file, std::size_t max_bytes, ErrorKind kind);

}  // namespace scicov::core
