// Wall and CPU time and peak memory of consecutive stages (internal header).
#pragma once

#include <chrono>
#include <string>

#include "scicov/core.hpp"

namespace scicov::core {

/// Times consecutive stages of the process, from construction or the previous lap.
class StageClock {
public:
    StageClock();
    StageTiming lap(std::string stage);

private:
    std::chrono::steady_clock::time_point m_wall;
    double m_cpu;
};

/// CPU seconds of the calling thread so far (user + system): what one solver thread cost, whatever
/// share of a core a loaded machine gave it.
double thread_cpu_seconds();

}  // namespace scicov::core
