// Equalisation (003, 推动科普公共服务均等化): how far rural villages (村) trail urban communities
// (社区) in coverage before the plan, at the end of each year of it and after it. The order that
// serves rural villages first is cover::order_by_gain's `first` key (county.cpp) and
// cover::phase_city's (phasing.cpp).
#include <algorithm>
#include <climits>
#include <set>

#include "planning/detail.hpp"

namespace scicov::planning::detail {

namespace {

/// Per type, per village: the first year a new site covers it (INT_MAX: none does).
std::vector<std::vector<int>> first_year_covered(const analysis::Analysis& a, std::size_t types,
                                                 const std::vector<Instance>& instances) {
    std::vector<std::vector<int>> year(types, std::vector<int>(a.inputs.villages.size(), INT_MAX));
    for (const auto& inst : instances) {
        for (std::size_t r = 0; r < inst.order.size(); ++r) {
            const int y = r < inst.year.size() ? inst.year[r] : INT_MAX;
            for (auto v : inst.reach.of(r)) {
                auto& first = year[inst.type][static_cast<std::size_t>(v)];
                first = std::min(first, y);
            }
        }
    }
    return year;
}

/// The row of one county and type with the villages that `covered` says are covered.
template <typename Covered>
UrbanRuralRow tally(const analysis::Analysis& a, std::span<const std::int32_t> villages,
                    const rules::FacilityType& type, Covered covered) {
    UrbanRuralRow row;
    for (auto v : villages) {
        const auto& village = a.inputs.villages[static_cast<std::size_t>(v)];
        const bool rural = model::settlement_of(village.name) == model::Settlement::village;
        const bool cov = covered(static_cast<std::size_t>(v));
        (rural ? row.rural_villages : row.urban_villages) += 1;
        (rural ? row.rural_people : row.urban_people) += village.population;
        if (!cov) continue;
        (rural ? row.rural_villages_covered : row.urban_villages_covered) += 1;
        (rural ? row.rural_people_covered : row.urban_people_covered) += village.population;
    }
    // As the counties' share_urban_/share_rural_: in the target's measure, 1 when it has nothing.
    const bool by_people = type.target.measure == rules::Measure::population;
    const auto share = [&](int villages_covered, int all, double people_covered, double people) {
        if (by_people) return people > 0 ? people_covered / people : 1.0;
        return all > 0 ? static_cast<double>(villages_covered) / all : 1.0;
    };
    if (row.rural_villages > 0)
        row.rural_share =
            share(row.rural_villages_covered, row.rural_villages, row.rural_people_covered, row.rural_people);
    if (row.urban_villages > 0)
        row.urban_share =
            share(row.urban_villages_covered, row.urban_villages, row.urban_people_covered, row.urban_people);
    if (row.rural_share && row.urban_share) row.gap_pp = (*row.urban_share - *row.rural_share) * 100.0;
    return row;
}

}  // namespace

std::vector<UrbanRuralRow> urban_rural(const analysis::Analysis& a, const rules::Rules& rules,
                                       const std::vector<Instance>& instances) {
    const auto year = first_year_covered(a, rules.types.size(), instances);
    std::vector<UrbanRuralRow> out;
    for (const auto& county : a.counties) {
        const auto villages = a.index.villages_of_county(county.code);
        for (std::size_t t = 0; t < rules.types.size(); ++t) {
            const auto& before = a.coverage.types[t].covered;
            const auto& first = year[t];
            std::set<int> years;  // the years new sites reach a village of the county not covered before
            for (auto v : villages) {
                const auto k = static_cast<std::size_t>(v);
                if (!before[k] && first[k] != INT_MAX) years.insert(first[k]);
            }
            const auto add = [&](std::string stage, int y, auto covered) {
                UrbanRuralRow row = tally(a, villages, rules.types[t], covered);
                row.county_code = county.code;
                row.type = rules.types[t].key;
                row.stage = std::move(stage);
                row.year = y;
                out.push_back(std::move(row));
            };
            add("before", 0, [&](std::size_t v) { return before[v] != 0; });
            for (int y : years) add("year", y, [&](std::size_t v) { return before[v] != 0 || first[v] <= y; });
            add("after", 0, [&](std::size_t v) { return before[v] != 0 || first[v] != INT_MAX; });
        }
    }
    return out;
}

}  // namespace scicov::planning::detail
