// Years: the plan's sites spread over the years, a per-year budget per type shared by the
// counties of a city (or per county), and the plans' terms: the year each county meets its
// target and the yearly budget that would meet it by the horizon.
#include <algorithm>

#include "core/text.hpp"
#include "planning/detail.hpp"

namespace scicov::planning::detail {

namespace {

/// Per member of a group: the least yearly budget (shared as the group shares it) with which it
/// meets its target by `horizon` (0: none). Past the budget that places every site by the
/// horizon nothing changes, so the search stops there.
std::vector<int> per_year_for_horizon(const std::vector<cover::CountySites>& lists, int total_sites, int start_year,
                                      int horizon) {
    std::vector<int> need(lists.size(), 0);
    if (horizon < start_year) return need;
    const int years = horizon - start_year + 1;
    const int enough = std::max(1, (total_sites + years - 1) / years);
    std::size_t open = lists.size();
    for (int p = 1; p <= enough && open > 0; ++p) {
        const auto phasing = cover::phase_city(lists, p, start_year);
        for (std::size_t k = 0; k < lists.size(); ++k) {
            if (need[k] == 0 && phasing.year_met[k] >= 0 && phasing.year_met[k] <= horizon) {
                need[k] = p;
                --open;
            }
        }
    }
    return need;
}

std::string percent(double share) {
    return core::fixed(share * 100.0, 1) + "%";
}

/// Why the plan's sites do not meet the target: a budget too small, candidates that cannot
/// reach it, or no solution in time.
std::string why_not_met(const HorizonRow& h, const SummaryRow& plan) {
    const std::string target = "目标 " + percent(plan.target);
    if (plan.model == "max_cover") {
        return "预算内的 " + std::to_string(h.sites_needed) + " 个点位建成后覆盖 " + percent(plan.share_after) +
               "，未达标（" + target + "）";
    }
    if (plan.status == "time_limit_no_solution") return "求解超时，未得到达标方案（可加大 --time-limit）";
    std::string s = "无法达标：现有候选点位最多覆盖 " + percent(plan.reachable_share) + "（" + target + "）";
    if (!plan.uncoverable.empty()) {
        s += "，" + std::to_string(plan.uncoverable.size()) + " 个村(社区)没有候选点位能覆盖";
    }
    return s;
}

}  // namespace

std::string sentence_zh(const HorizonRow& h, const SummaryRow& plan, YearScope scope, Coverage target) {
    const std::string met = target == Coverage::full ? "全覆盖" : "达标";
    if (h.met_before) {
        return "规划前已" + met +
               (h.sites_needed > 0 ? "；预算内另有 " + std::to_string(h.sites_needed) + " 个点位可提高覆盖"
                                   : "，无需新建");
    }
    if (h.year_met == 0) return why_not_met(h, plan);
    std::string s = std::string(scope == YearScope::city ? "按全市每年 " : "按本县每年 ") + std::to_string(h.per_year) +
                    " 个，" + std::to_string(h.year_met) + " 年" + met;
    if (h.year_met > h.horizon_year && h.per_year_for_horizon > 0) {
        s += "；" + std::to_string(h.horizon_year) + " 年达标需每年 " + std::to_string(h.per_year_for_horizon) + " 个";
    }
    return s;
}

void phase(std::vector<Instance>& instances, const rules::Rules& rules, const Options& options, Result& result) {
    const int horizon = horizon_of(options);
    for (std::size_t t = 0; t < rules.types.size(); ++t) {
        const auto& type = rules.types[t];
        const int per_year = per_year_of(options, type);
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
                // equalisation: across counties too, the sites serving rural villages go first
                if (options.equalise == rules::Equalise::rural_first) cs.first = inst->gain_rural;
                cs.base_measure = inst->base_measure;
                cs.target = inst->target;
                lists.push_back(std::move(cs));
                total_sites += static_cast<int>(inst->order.size());
            }
            const auto phasing = cover::phase_city(lists, per_year, options.start_year);
            const auto need = per_year_for_horizon(lists, total_sites, options.start_year, horizon);
            for (std::size_t k = 0; k < members.size(); ++k) {
                members[k]->year.assign(phasing.year[k].begin(), phasing.year[k].end());
                // Met before the first year (a budget's sites in a county that needs none): no year.
                const bool met_before = phasing.year_met[k] == options.start_year - 1;
                const int year_met = met_before ? 0 : std::max(0, phasing.year_met[k]);
                auto& row = result.summary[members[k]->summary_row];
                row.year_met = year_met;
                HorizonRow h;
                h.county_code = members[k]->county;
                h.type = type.key;
                h.type_name_zh = type.name_zh;
                h.sites_needed = static_cast<int>(members[k]->order.size());
                h.per_year = per_year;
                h.year_met = year_met;
                h.met_before = met_before;
                h.horizon_year = horizon;
                h.per_year_for_horizon = met_before ? 0 : need[k];
                h.sentence_zh = sentence_zh(h, row, options.scope,
                                            type.target.threshold >= 1.0 ? Coverage::full : Coverage::partial);
                result.horizon.push_back(std::move(h));
            }
            if (options.by_year >= options.start_year) {
                const int years = options.by_year - options.start_year + 1;
                const std::string city = key.substr(0, 4);
                auto& need_city = result.per_year_needed[{city, type.key}];
                need_city = std::max(need_city, (total_sites + years - 1) / years);
            }
        }
    }
    std::stable_sort(result.horizon.begin(), result.horizon.end(),
                     [&](const HorizonRow& a, const HorizonRow& b) { return a.county_code < b.county_code; });
}

}  // namespace scicov::planning::detail
