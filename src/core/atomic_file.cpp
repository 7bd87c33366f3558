#include "core/atomic_file.hpp"

#include <atomic>
#include <cerrno>
#include <string>
#include <system_error>
#include <utility>

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include "scicov/core.hpp"

namespace scicov::core {

namespace {

std::string reason(int err) {
    return std::generic_category().message(err);
}

Error io_error(const std::filesystem::path& target, const std::string& what) {
    return Error(ErrorKind::io, what, Context{target.string(), {}, {}, {}});
}

std::filesystem::path temporary_name(const std::filesystem::path& target) {
    // Unique per process (pid) and per file within it (a counter), so two runs writing beside each
    // other, or one run writing one target twice, never share a temporary.
    static std::atomic<unsigned> counter{0};
    std::filesystem::path tmp = target;
    tmp += ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter.fetch_add(1));
    tmp += target.extension();
    return tmp;
}

/// The pid in `name` when it is one of `target`'s temporaries (see temporary_name), else 0.
pid_t temporary_pid(std::string_view name, const std::string& prefix, const std::string& extension) {
    if (name.substr(0, prefix.size()) != prefix) return 0;
    name.remove_prefix(prefix.size());
    for (const std::string_view journal : {"-journal", "-wal", "-shm"}) {
        if (name.size() > journal.size() && name.substr(name.size() - journal.size()) == journal) {
            name.remove_suffix(journal.size());
            break;
        }
    }
    if (name.size() < extension.size() || name.substr(name.size() - extension.size()) != extension) return 0;
    name.remove_suffix(extension.size());
    const auto digits = [](std::string_view s) {
        return !s.empty() && s.size() < 10 && s.find_first_not_of("0123456789") == std::string_view::npos;
    };
    const auto dash = name.find('-');  // "<pid>-<n>", or "<pid>" as older versions named them
    const std::string_view pid = name.substr(0, dash);
    if (!digits(pid) || (dash != std::string_view::npos && !digits(name.substr(dash + 1)))) return 0;
    return static_cast<pid_t>(std::stol(std::string(pid)));
}

/// Flushes the file's data to the disk, so a crash after the rename never leaves an empty target.
void sync_file(const std::filesystem::path& file, const std::filesystem::path& target) {
    const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw io_error(target, "cannot open the temporary file " + file.string() + ": " + reason(errno));
    const int synced = ::fsync(fd);
    const int err = errno;
    ::close(fd);
    if (synced != 0) throw io_error(target, "cannot flush " + file.string() + " to disk: " + reason(err));
}

}  // namespace

AtomicFile::AtomicFile(std::filesystem::path target) : m_target(std::move(target)) {
    const auto folder = m_target.has_parent_path() ? m_target.parent_path() : std::filesystem::path(".");
    std::error_code ec;
    if (!std::filesystem::is_directory(folder, ec)) {
        throw io_error(m_target, "the output folder " + folder.string() + " does not exist");
    }
    m_temporary = temporary_name(m_target);
}

AtomicFile::~AtomicFile() {
    discard();
}

AtomicFile::AtomicFile(AtomicFile&& other) noexcept
    : m_target(std::move(other.m_target)),
      m_temporary(std::move(other.m_temporary)),
      m_active(std::exchange(other.m_active, false)) {}

AtomicFile& AtomicFile::operator=(AtomicFile&& other) noexcept {
    if (this != &other) {
        discard();
        m_target = std::move(other.m_target);
        m_temporary = std::move(other.m_temporary);
        m_active = std::exchange(other.m_active, false);
    }
    return *this;
}

void AtomicFile::write(std::string_view bytes) {
    const int fd = ::open(m_temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd < 0) throw io_error(m_target, "cannot create " + m_temporary.string() + ": " + reason(errno));
    int err = 0;
    for (std::size_t done = 0; done < bytes.size() && err == 0;) {
        const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno != EINTR) err = errno;
        if (n > 0) done += static_cast<std::size_t>(n);
    }
    if (err == 0 && ::fsync(fd) != 0) err = errno;
    if (::close(fd) != 0 && err == 0) err = errno;
    if (err != 0) {
        discard();
        throw io_error(m_target, "cannot write " + m_temporary.string() + ": " + reason(err));
    }
}

void AtomicFile::commit() {
    if (!m_active)
        throw Error(ErrorKind::internal, "output committed twice or after discard",
                    Context{m_target.string(), {}, {}, {}});
    sync_file(m_temporary, m_target);
    if (::rename(m_temporary.c_str(), m_target.c_str()) != 0) {
        const int err = errno;
        discard();
        throw io_error(m_target, "cannot rename " + m_temporary.string() + " onto the output: " + reason(err));
    }
    m_active = false;
}

void AtomicFile::discard() noexcept {
    if (!m_active) return;
    m_active = false;
    ::unlink(m_temporary.c_str());  // absent when nothing was written yet: nothing to do
}

void OutputSet::add(AtomicFile file) {
    m_files.push_back(std::move(file));
}

void OutputSet::add(const std::filesystem::path& target, std::string_view bytes) {
    AtomicFile file(target);
    file.write(bytes);
    add(std::move(file));
}

void OutputSet::commit() {
    for (auto& file : m_files) file.commit();  // a failure leaves the rest to the destructors
    m_files.clear();
}

std::size_t remove_stale_temporaries(const std::filesystem::path& target) noexcept {
    const auto folder = target.has_parent_path() ? target.parent_path() : std::filesystem::path(".");
    const std::string prefix = target.filename().string() + ".tmp-";
    const std::string extension = target.extension().string();
    std::size_t removed = 0;
    std::error_code ec;
    for (std::filesystem::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        const pid_t pid = temporary_pid(name, prefix, extension);
        if (pid <= 0 || pid == ::getpid()) continue;
        if (::kill(pid, 0) == 0 || errno != ESRCH) continue;  // running (or not ours to signal): keep
        std::error_code removing;
        if (std::filesystem::is_regular_file(it->symlink_status(removing)) &&
            std::filesystem::remove(it->path(), removing)) {
            ++removed;
        }
    }
    return removed;
}

void write_file_atomically(const std::filesystem::path& target, std::string_view bytes) {
    AtomicFile file(target);
    file.write(bytes);
    file.commit();
}

}  // namespace scicov::core
