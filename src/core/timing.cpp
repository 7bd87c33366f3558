#include "core/timing.hpp"

#include <ctime>
#include <utility>

#include <sys/resource.h>

namespace scicov::core {

namespace {

/// The process's CPU seconds (all threads, user + system) and peak resident MiB so far.
std::pair<double, double> process_usage() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    const double cpu = static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
                       1e-6 * static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
    return {cpu, static_cast<double>(u.ru_maxrss) / 1024.0};  // Linux: ru_maxrss in kilobytes
}

}  // namespace

StageClock::StageClock() : m_wall(std::chrono::steady_clock::now()), m_cpu(process_usage().first) {}

StageTiming StageClock::lap(std::string stage) {
    const auto now = std::chrono::steady_clock::now();
    const auto [cpu, peak] = process_usage();
    StageTiming t{std::move(stage), std::chrono::duration<double>(now - m_wall).count(), cpu - m_cpu, peak};
    m_wall = now;
    m_cpu = cpu;
    return t;
}

double thread_cpu_seconds() {
    timespec t{};
    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t) != 0) return 0;
    return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

}  // namespace scicov::core
