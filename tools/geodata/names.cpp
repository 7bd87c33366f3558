// Name handling and seed mixing for the geodata builder.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "geodata.hpp"

namespace scicov::geodata {

namespace {

bool ends_with(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace

std::string name_stem(std::string_view name) {
    // Longest first: 自治县 before 县, 新区 before 区.
    static constexpr std::array<std::string_view, 9> k_suffixes = {"自治县", "自治旗", "特区", "林区", "新区",
                                                                   "县",     "区",     "市",   "旗"};
    for (const auto suffix : k_suffixes) {
        if (ends_with(name, suffix) && name.size() > suffix.size()) {
            return std::string(name.substr(0, name.size() - suffix.size()));
        }
    }
    return std::string(name);
}

bool is_community(std::string_view village_name) {
    return village_name.find("社区") != std::string_view::npos || village_name.find("居委会") != std::string_view::npos;
}

std::string short_village_name(std::string_view name) {
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 5> k_forms = {{
        {"社区居民委员会", "社区"},
        {"社区居委会", "社区"},
        {"居民委员会", "居委会"},
        {"村民委员会", "村"},
        {"村委会", "村"},
    }};
    for (const auto& [suffix, replacement] : k_forms) {
        if (ends_with(name, suffix) && name.size() > suffix.size()) {
            return std::string(name.substr(0, name.size() - suffix.size())) + std::string(replacement);
        }
    }
    return std::string(name);
}

std::uint64_t stream_seed(std::uint64_t seed, std::string_view key, std::string_view stage) {
    // FNV-1a over the seed's bytes (little-endian, fixed), the key and the stage, then the
    // splitmix64 finaliser: the same on every platform and standard library.
    std::uint64_t h = 0xcbf29ce484222325ULL;
    auto eat = [&h](unsigned char c) {
        h ^= c;
        h *= 0x100000001b3ULL;
    };
    for (int i = 0; i < 8; ++i) eat(static_cast<unsigned char>((seed >> (8 * i)) & 0xffU));
    eat(0x1f);
    for (const char c : key) eat(static_cast<unsigned char>(c));
    eat(0x1f);
    for (const char c : stage) eat(static_cast<unsigned char>(c));
    h += 0x9e3779b97f4a7c15ULL;
    h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ULL;
    h = (h ^ (h >> 27)) * 0x94d049bb133111ebULL;
    return h ^ (h >> 31);
}

}  // namespace scicov::geodata
