// libFuzzer target: the rules parser and validator on arbitrary TOML text. A rules file is the
// one text input a planner writes by hand; every input must end in a Rules value or a
// scicov::Error — never a crash, a hang or a sanitizer report.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "scicov/core.hpp"
#include "scicov/rules.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        const scicov::rules::Rules rules = scicov::rules::parse_rules(text, "fuzz.toml");
        // What the parser accepted must print and parse back.
        (void)scicov::rules::parse_rules(scicov::rules::to_toml(rules), "fuzz-roundtrip.toml");
    } catch (const scicov::Error&) {
        // A clear message is the expected answer to a bad file.
    }
    return 0;
}
