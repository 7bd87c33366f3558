// Per-county summaries as CSV (RFC 4180) and JSON for other tools: UTF-8, fixed number format,
// counties in code order, so the same input gives the same bytes.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "core/atomic_file.hpp"
#include "output/writer.hpp"
#include "scicov/output.hpp"

namespace scicov::output {

namespace {

/// Whole numbers without decimals, others with six: the same text on every machine.
std::string number(double v) {
    if (!std::isfinite(v)) return "";
    char buf[64];
    if (v == std::floor(v) && std::fabs(v) < 1e15) {
        std::snprintf(buf, sizeof buf, "%.0f", v);
    } else {
        std::snprintf(buf, sizeof buf, "%.6f", v);
    }
    return buf;
}

std::string json_number(double v) {
    return std::isfinite(v) ? number(v) : "null";
}

std::string csv_field(const std::string& s) {
    if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
    std::string out = "\"";
    for (char c : s) {
        out += c;
        if (c == '"') out += '"';
    }
    return out + "\"";
}

std::string json_string(const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            default:
                if (static_cast<unsigned char>(c) < 0x20) {
                    char buf[8];
                    std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
                    out += buf;
                } else {
                    out += c;  // UTF-8 passes through
                }
        }
    }
    return out + "\"";
}

const gaps::UnitSummary* after_of(const planning::Result* plan, const std::string& code) {
    if (plan == nullptr) return nullptr;
    auto it = std::lower_bound(plan->counties_after.begin(), plan->counties_after.end(), code,
                               [](const gaps::UnitSummary& x, const std::string& c) { return x.code < c; });
    return it != plan->counties_after.end() && it->code == code ? &*it : nullptr;
}

}  // namespace

std::string county_summary_csv(const analysis::Analysis& a, const rules::Rules& rules, const planning::Result* plan) {
    std::ostringstream o;
    o << "code,name,villages,population";
    for (const auto& t : rules.types) {
        const std::string& k = t.key;
        o << ",share_" << k << ",target_" << k << ",met_" << k << ",gap_" << k;
        if (plan != nullptr) o << ",share_after_" << k << ",met_after_" << k;
    }
    o << "\r\n";
    for (const auto& c : a.counties) {
        const auto* after = after_of(plan, c.code);
        o << csv_field(c.code) << ',' << csv_field(c.name) << ',' << c.villages << ',' << number(c.population);
        for (std::size_t t = 0; t < rules.types.size(); ++t) {
            const auto& s = c.types[t];
            o << ',' << number(s.share) << ',' << number(s.target) << ',' << (s.met ? 1 : 0) << ',' << number(s.gap);
            if (plan != nullptr) {
                if (after != nullptr) {
                    o << ',' << number(after->types[t].share) << ',' << (after->types[t].met ? 1 : 0);
                } else {
                    o << ",,";
                }
            }
        }
        o << "\r\n";
    }
    return o.str();
}

std::string county_summary_json(const analysis::Analysis& a, const rules::Rules& rules, const planning::Result* plan) {
    std::ostringstream o;
    o << "[";
    for (std::size_t i = 0; i < a.counties.size(); ++i) {
        const auto& c = a.counties[i];
        const auto* after = after_of(plan, c.code);
        o << (i ? ",\n " : "\n ") << "{\"code\": " << json_string(c.code) << ", \"name\": " << json_string(c.name)
          << ", \"villages\": " << c.villages << ", \"population\": " << json_number(c.population) << ", \"types\": {";
        for (std::size_t t = 0; t < rules.types.size(); ++t) {
            const auto& s = c.types[t];
            o << (t ? ", " : "") << json_string(rules.types[t].key)
              << ": {\"name_zh\": " << json_string(rules.types[t].name_zh) << ", \"share\": " << json_number(s.share)
              << ", \"target\": " << json_number(s.target) << ", \"met\": " << (s.met ? "true" : "false")
              << ", \"gap\": " << json_number(s.gap);
            if (plan != nullptr) {
                if (after != nullptr) {
                    o << ", \"share_after\": " << json_number(after->types[t].share)
                      << ", \"met_after\": " << (after->types[t].met ? "true" : "false");
                } else {
                    o << ", \"share_after\": null, \"met_after\": null";
                }
            }
            o << "}";
        }
        o << "}}";
    }
    o << "\n]\n";
    return o.str();
}

std::vector<SideFile> county_summary_files(const std::filesystem::path& csv, const std::filesystem::path& json,
                                           const analysis::Analysis& a, const rules::Rules& rules,
                                           const planning::Result* plan, const SiteList& site_list) {
    std::vector<SideFile> files;
    if (!csv.empty()) files.push_back({csv, county_summary_csv(a, rules, plan)});
    if (!json.empty()) files.push_back({json, county_summary_json(a, rules, plan)});
    if (!site_list.path.empty() && plan != nullptr) {
        files.push_back({site_list.path, detail::site_list_bytes(site_list, a, rules, *plan)});
    }
    return files;
}

void write_county_summaries(const std::filesystem::path& csv, const std::filesystem::path& json,
                            const analysis::Analysis& a, const rules::Rules& rules, const planning::Result* plan,
                            const SiteList& site_list) {
    core::OutputSet outputs;  // none replaces an older file unless all are written
    for (const auto& file : county_summary_files(csv, json, a, rules, plan, site_list)) {
        outputs.add(file.target, file.bytes);
    }
    outputs.commit();
}

}  // namespace scicov::output
