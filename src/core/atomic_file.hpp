// Outputs that appear whole or not at all: each file is written under a temporary name in its
// target's folder (so the rename stays on one file system) and renamed onto the target only once
// it is complete. Internal header; every writer of scicov (GeoPackage, CSV, JSON, HTML, maps) uses it.
#pragma once

#include <filesystem>
#include <string_view>
#include <vector>

namespace scicov::core {

/// One output file. The constructor only names the temporary file (the target's folder must
/// exist); `write()` or a library (GDAL) creates it. Destroyed or discarded without `commit()`,
/// the temporary file is removed: a failed run leaves neither output nor leftovers. Errors are
/// io errors naming the target and carrying the system's reason (errno).
class AtomicFile {
public:
    explicit AtomicFile(std::filesystem::path target);
    ~AtomicFile();
    AtomicFile(AtomicFile&& other) noexcept;
    AtomicFile& operator=(AtomicFile&& other) noexcept;
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;

    const std::filesystem::path& target() const noexcept { return m_target; }
    /// "<target>.tmp-<pid>-<n><extension>": unique within the process, beside the target, with
    /// the target's extension (GDAL picks drivers and checks names by it).
    const std::filesystem::path& temporary() const noexcept { return m_temporary; }

    /// Writes the whole content to the temporary file (created or truncated) and flushes it to disk.
    void write(std::string_view bytes);
    /// Renames the temporary file onto the target (after flushing it to disk). Once only.
    void commit();
    /// Removes the temporary file now (never throws).
    void discard() noexcept;

private:
    std::filesystem::path m_target;
    std::filesystem::path m_temporary;
    bool m_active = true;  // the temporary is ours to commit or remove
};

/// Several outputs of one run, committed together: each is written completely first (staged),
/// and only when all have succeeded does `commit()` rename them onto their targets, in the order
/// they were added. Destroyed without commit, it removes every staged temporary, so one failing
/// output never leaves the others replaced. (The renames are one after another: a rename that
/// fails, which beside its target on one file system only happens when the target cannot be
/// replaced, stops the commit and removes the temporaries not yet renamed.)
class OutputSet {
public:
    OutputSet() = default;
    OutputSet(const OutputSet&) = delete;
    OutputSet& operator=(const OutputSet&) = delete;

    /// Takes a completely written file to commit with the others.
    void add(AtomicFile file);
    /// Writes `bytes` to a temporary beside `target` and stages it.
    void add(const std::filesystem::path& target, std::string_view bytes);
    /// Renames every staged file onto its target.
    void commit();

    std::size_t size() const noexcept { return m_files.size(); }

private:
    std::vector<AtomicFile> m_files;
};

/// Removes what killed runs left beside `target`: its temporaries ("<target>.tmp-<pid>[-<n>]<ext>",
/// the names AtomicFile gives, and the SQLite journals "-journal", "-wal", "-shm" beside them)
/// whose process is gone (kill(pid, 0) fails with ESRCH). A running process's temporaries, and this
/// process's, are never touched. Returns how many files it removed; never throws.
std::size_t remove_stale_temporaries(const std::filesystem::path& target) noexcept;

/// Writes `bytes` to `target` atomically (an AtomicFile written and committed at once).
void write_file_atomically(const std::filesystem::path& target, std::string_view bytes);

}  // namespace scicov::core
