// Years: the plan's sites spread over the years, a per-year budget per type shared by the
// counties of a city (or per county).
#include <algorithm>

#include "planning/detail.hpp"

namespace scicov::planning::detail {

void phase(std::vector<Instance>& instances, const rules::Rules& rules, const Options& options, Result& result) {
    for (std::size_t t = 0; t < rules.types.size(); ++t) {
        std::map<std::string, std::vector<Instance*>> groups;
        for (auto& inst : instances) {
            if (inst.type != t) continue;
            const std::string key = options.scope == YearScope::city ? inst.county.substr(0, 4) : inst.county;
            groups[key].push_back(&inst);
        }
        for (auto& [key, members] : groups) {
            std::vector<cover::CountySites> lists;
            int total_sites = 0;
            for (auto* inst : members) {
                cover::CountySites cs;
                for (const auto& step : inst->order) {
                    cs.gain.push_back(step.gain_weight);
                    cs.measure_gain.push_back(step.gain_measure);
                }
                cs.base_measure = inst->base_measure;
                cs.target = inst->target;
                lists.push_back(std::move(cs));
                total_sites += static_cast<int>(inst->order.size());
            }
            const auto phasing = cover::phase_city(lists, options.per_year, options.start_year);
            for (std::size_t k = 0; k < members.size(); ++k) {
                members[k]->year.assign(phasing.year[k].begin(), phasing.year[k].end());
                result.summary[members[k]->summary_row].year_met = std::max(0, phasing.year_met[k]);
            }
            if (options.by_year >= options.start_year) {
                const int years = options.by_year - options.start_year + 1;
                const std::string city = key.substr(0, 4);
                auto& need = result.per_year_needed[{city, rules.types[t].key}];
                need = std::max(need, (total_sites + years - 1) / years);
            }
        }
    }
}

}  // namespace scicov::planning::detail
