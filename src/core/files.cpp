#include "core/files.hpp"

#include "core/atomic_file.hpp"

#include <cerrno>
#include <optional>
#include <system_error>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace scicov::core {

namespace {

std::string reason(int err) {
    return std::generic_category().message(err);
}

/// What a path names: the file itself (`name` empty), or, for an output not yet there, a name in
/// an existing folder. Two paths name one file when their ids are equal.
struct FileId {
    dev_t device = 0;
    ino_t inode = 0;
    std::string name;
    bool operator==(const FileId&) const = default;
};

std::optional<FileId> existing_id(const std::filesystem::path& p) {
    struct stat st {};
    if (::stat(p.c_str(), &st) != 0) return std::nullopt;
    return FileId{st.st_dev, st.st_ino, {}};
}

std::filesystem::path folder_of(const std::filesystem::path& p) {
    return p.has_parent_path() ? p.parent_path() : std::filesystem::path(".");
}

/// An output's id: the file's when it exists, else its name in its folder.
std::optional<FileId> output_id(const std::filesystem::path& p) {
    if (auto id = existing_id(p)) return id;
    auto folder = existing_id(folder_of(p));
    if (folder) folder->name = p.filename().string();
    return folder;
}

std::string named(const NamedPath& p) {
    return p.option + " " + p.path.string();
}

Error output_error(ErrorKind kind, const NamedPath& output, const std::string& what) {
    return Error(kind, output.option + ": " + what, Context{output.path.string(), {}, {}, {}});
}

/// The output itself may be replaced and its folder written.
void check_writable(const NamedPath& output) {
    struct stat st {};
    if (::stat(output.path.c_str(), &st) == 0) {
        if (S_ISDIR(st.st_mode)) throw output_error(ErrorKind::usage, output, "is a folder; give a file name");
        if (!S_ISREG(st.st_mode)) {
            throw output_error(ErrorKind::usage, output, "is not a regular file (a device, FIFO or socket)");
        }
    }
    const auto folder = folder_of(output.path);
    if (::stat(folder.c_str(), &st) != 0) {
        const int err = errno;
        throw output_error(ErrorKind::io, output,
                           err == ENOENT ? "the output folder " + folder.string() + " does not exist"
                                         : "cannot use the output folder " + folder.string() + ": " + reason(err));
    }
    if (!S_ISDIR(st.st_mode)) {
        throw output_error(ErrorKind::io, output, "the output folder " + folder.string() + " is not a folder");
    }
    // Permissions alone do not tell (root, read-only mounts, sysfs): create the file the run will
    // write, empty, under its temporary name, and remove it again.
    try {
        AtomicFile probe(output.path);
        probe.write({});
    } catch (const Error& e) {
        throw output_error(ErrorKind::io, output, "cannot write in the output folder: " + e.message());
    }
}

}  // namespace

bool same_file(const std::filesystem::path& a, const std::filesystem::path& b) noexcept {
    const auto ia = existing_id(a);
    return ia && ia == existing_id(b);
}

void check_outputs(const std::vector<NamedPath>& outputs, const std::vector<NamedPath>& inputs) {
    std::vector<std::pair<FileId, const NamedPath*>> seen;
    for (const auto& output : outputs) {
        if (output.path.empty()) continue;
        for (const auto& input : inputs) {
            if (!input.path.empty() && same_file(output.path, input.path)) {
                throw Error(ErrorKind::usage, named(output) + " is the same file as the input " + input.path.string() +
                                                  (input.option.empty() ? "" : " (" + input.option + ")") +
                                                  ": an output never replaces an input");
            }
        }
        check_writable(output);
        const auto id = output_id(output.path);
        if (!id) continue;
        for (const auto& [other_id, other] : seen) {
            if (other_id == *id) {
                throw Error(ErrorKind::usage,
                            named(output) + " and " + named(*other) + " name the same file: give each output its own");
            }
        }
        seen.emplace_back(*id, &output);
    }
}

std::string read_text_file(const std::filesystem::path& file, std::size_t max_bytes, ErrorKind kind) {
    const Context where{file.string(), {}, {}, {}};
    struct stat st {};
    if (::stat(file.c_str(), &st) != 0) throw Error(kind, "cannot open: " + reason(errno), where);
    if (S_ISDIR(st.st_mode)) throw Error(kind, "is a folder, not a file", where);
    if (!S_ISREG(st.st_mode)) throw Error(kind, "is not a regular file (a device, FIFO or socket)", where);
    const auto too_large = [&] {
        const bool mib = max_bytes % (std::size_t{1} << 20) == 0;
        return Error(kind,
                     "is larger than the limit of " + std::to_string(mib ? max_bytes >> 20 : max_bytes) +
                         (mib ? " MiB" : " bytes"),
                     where);
    };
    if (static_cast<std::size_t>(st.st_size) > max_bytes) throw too_large();
    // O_NONBLOCK: should the path become a FIFO after the check, open() does not wait for a writer.
    const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) throw Error(kind, "cannot open: " + reason(errno), where);
    std::string text;
    char buf[65536];
    int err = 0;
    while (true) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) err = errno;
        if (n <= 0) break;
        text.append(buf, static_cast<std::size_t>(n));
        if (text.size() > max_bytes) break;  // grew since the check
    }
    ::close(fd);
    if (err != 0) throw Error(kind, "cannot read: " + reason(err), where);
    if (text.size() > max_bytes) throw too_large();
    return text;
}

}  // namespace scicov::core
