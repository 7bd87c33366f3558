// The number keys of [planning] and [priority]: where each value goes in Rules. The rules file's
// reader and rules::apply (values given for one run) share this table and range_of(), so a value
// is checked the same way wherever it comes from.
#pragma once

#include <span>
#include <string_view>

#include "scicov/rules.hpp"

namespace scicov::rules::detail {

struct Setting {
    std::string_view key;  ///< "planning.per_year"
    void (*set)(Rules& rules, double value);
};

/// Every number key of [planning] and [priority], in the order of the default rules text.
std::span<const Setting> settings();

/// The key's name within its table: "per_year" for "planning.per_year".
std::string_view name_in_table(std::string_view key);

}  // namespace scicov::rules::detail
