// Test support: where test data lives, and a temporary directory removed on scope exit.
#pragma once

#include <filesystem>
#include <random>
#include <string>

namespace scicov::test {

inline std::filesystem::path datapath(const std::string& relative) {
    return std::filesystem::path(SCICOV_TEST_DATA) / relative;
}
inline std::filesystem::path geodata(const std::string& relative) {
    return std::filesystem::path(SCICOV_GEODATA) / relative;
}

class TempDir {
public:
    TempDir() {
        std::random_device rd;
        m_path = std::filesystem::temp_directory_path() / ("scicov-test-" + std::to_string(rd()));
        std::filesystem::create_directories(m_path);
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(m_path, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return m_path; }
    std::filesystem::path operator/(const std::string& name) const { return m_path / name; }

private:
    std::filesystem::path m_path;
};

}  // namespace scicov::test
