// Facility types by the names planners write in their tables: folding (full-width to half-width,
// trimming, Latin case) and the built-in common forms of the default types.
#include <algorithm>
#include <array>
#include <string>
#include <string_view>

#include "scicov/core.hpp"
#include "scicov/rules.hpp"

namespace scicov::rules {

namespace {

/// Common short and long forms of the default types, as found in county ledgers and web-map
/// exports (the plans in seeds/ use several of them for one thing).
struct BuiltIn {
    std::string_view key;
    std::array<std::string_view, 8> names;
};
constexpr std::array<BuiltIn, 4> k_built_in{{
    {"science_museum", {"科技馆", "实体科技馆", "县级科技馆", "科学技术馆", "县科技馆"}},
    {"science_base", {"科普教育基地", "科普基地", "科普示范基地", "科普教育示范基地", "科普场馆"}},
    {"e_station", {"科普e站", "e站", "科普e站点", "科普中国e站", "科普中国e站点"}},
    {"science_room",
     {"科普室", "村(社区)科普室", "村科普室", "社区科普室", "农村科普活动室", "科普活动室", "社区科技馆",
      "村(社区)科普活动室"}},
}};

bool space_byte(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

}  // namespace

std::string fold_name(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto b0 = static_cast<unsigned char>(text[i]);
        if (b0 == 0xE3 && i + 2 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0x80 &&
            static_cast<unsigned char>(text[i + 2]) == 0x80) {
            out += ' ';  // U+3000 ideographic space
            i += 2;
            continue;
        }
        if (b0 == 0xEF && i + 2 < text.size()) {
            // U+FF01..U+FF5E (EF BC 81 .. EF BD 9E) are ASCII 0x21..0x7E at full width.
            const auto b1 = static_cast<unsigned char>(text[i + 1]);
            const auto b2 = static_cast<unsigned char>(text[i + 2]);
            const unsigned code = ((b1 & 0x3Fu) << 6) | (b2 & 0x3Fu);  // low 12 bits of U+Fxxx
            if ((b1 == 0xBC || b1 == 0xBD) && code >= 0xF01 && code <= 0xF5E) {
                out += static_cast<char>(code - 0xF01 + 0x21);
                i += 2;
                continue;
            }
        }
        out += text[i];
    }
    const auto first = std::find_if_not(out.begin(), out.end(), space_byte);
    const auto last = std::find_if_not(out.rbegin(), out.rend(), space_byte).base();
    std::string trimmed = first < last ? std::string(first, last) : std::string();
    for (auto& c : trimmed) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return trimmed;
}

std::vector<std::string> type_names(const FacilityType& type) {
    std::vector<std::string> names{type.key, type.name_zh};
    names.insert(names.end(), type.aliases.begin(), type.aliases.end());
    for (const auto& b : k_built_in) {
        if (b.key != type.key) continue;
        for (const auto n : b.names) {
            if (!n.empty()) names.emplace_back(n);
        }
    }
    return names;
}

TypeNames::TypeNames(const std::vector<FacilityType>& types) {
    // `what` is the rules key that gave the name ("" for a built-in form, which yields).
    auto claim = [&](const std::string& name, const std::string& key, std::string_view what) {
        const std::string folded = fold_name(name);
        if (folded.empty()) return;
        const auto it = std::find_if(m_names.begin(), m_names.end(), [&](const auto& p) { return p.first == folded; });
        if (it == m_names.end()) {
            m_names.emplace_back(folded, key);
        } else if (!what.empty() && it->second != key) {
            const std::string where = "types." + key + (what == "key" ? std::string() : "." + std::string(what));
            throw Error(ErrorKind::rules, where + ": \"" + name + "\" is also the name of type '" + it->second +
                                              "'; give each type names of its own (name_zh, aliases)");
        }
    };
    // The names the rules give first (they win over a built-in form), then the built-in forms.
    for (const auto& t : types) {
        m_keys.push_back(t.key);
        claim(t.key, t.key, "key");
        claim(t.name_zh, t.key, "name_zh");
        for (const auto& a : t.aliases) claim(a, t.key, "aliases");
    }
    for (const auto& t : types) {
        for (const auto& n : type_names(t)) claim(n, t.key, "");
    }
    std::sort(m_names.begin(), m_names.end());
}

std::optional<std::string> TypeNames::key_of(std::string_view value) const {
    const std::string folded = fold_name(value);
    const auto it = std::lower_bound(m_names.begin(), m_names.end(), folded,
                                     [](const auto& p, const std::string& v) { return p.first < v; });
    if (it == m_names.end() || it->first != folded) return std::nullopt;
    return it->second;
}

std::string TypeNames::suggestion(std::string_view value) const {
    std::vector<std::string> names;
    for (const auto& [name, key] : m_names) names.push_back(name);
    const std::string near = nearest_name(fold_name(value), names);
    if (!near.empty()) return "; did you mean \"" + near + "\" (" + *key_of(near) + ")?";
    std::string known;
    for (const auto& k : m_keys) known += (known.empty() ? "" : ", ") + k;
    return "; the rules know: " + known + " (and their Chinese names; add more with `aliases` in the rules file)";
}

}  // namespace scicov::rules
