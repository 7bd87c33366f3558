// A population target needs people: 0 of 0 people is not a target met.
#include <map>

#include "scicov/io.hpp"

namespace scicov::io {

void check_population(const model::Inputs& inputs, const rules::Rules& rules, Diagnostics& diagnostics) {
    std::map<std::string, std::pair<double, std::size_t>> by_county;  // people, villages
    double people = 0;
    for (const auto& v : inputs.villages) {
        auto& c = by_county[v.county_code];
        c.first += v.population;
        ++c.second;
        people += v.population;
    }
    const std::string& field = rules.fields.village_population;
    for (const auto& t : rules.types) {
        if (t.target.measure != rules::Measure::population) continue;
        const std::string target = t.key + " (" + t.name_zh + ") has a population target (" +
                                   std::to_string(static_cast<int>(t.target.threshold * 100 + 0.5)) +
                                   "% of people per " + rules::to_string(t.target.unit) + ")";
        if (people <= 0 && !inputs.villages.empty()) {
            diagnostics.error(Context{{}, k_role_villages, {}, field},
                              target + ", but the population is 0 in all " + std::to_string(inputs.villages.size()) +
                                  " villages; map the column that holds it with --field villages.population=COLUMN");
            continue;
        }
        for (const auto& [county, c] : by_county) {
            if (c.first > 0) continue;
            diagnostics.error(Context{{}, k_role_villages, {}, field}, target + ", but the population is 0 in all " +
                                                                           std::to_string(c.second) +
                                                                           " villages of county " + county);
        }
    }
}

}  // namespace scicov::io
