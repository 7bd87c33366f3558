// Progress and warnings from long library work. The library never prints; the CLI decides
// where these go (GDAL-style 0...10...20 on stderr, or nowhere with -q).
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace scicov {

struct Reporter {
    /// Fraction done in [0, 1] of the named stage.
    std::function<void(std::string_view stage, double fraction)> progress;
    /// A problem the work repaired or skipped (e.g. a geometry made valid).
    std::function<void(const std::string& message)> warn;

    void step(std::string_view stage, double fraction) const {
        if (progress) progress(stage, fraction);
    }
    void warning(const std::string& message) const {
        if (warn) warn(message);
    }
};

}  // namespace scicov
