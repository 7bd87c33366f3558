// scicov plan: where new facilities should go, in which year, to meet each county's targets.
#include <iostream>

#include "core/timing.hpp"
#include "output_options.hpp"
#include "command.hpp"
#include "input_options.hpp"

namespace scicov::cli {
namespace {

class PlanCommand final : public Command {
public:
    CLI::App* setup(CLI::App& app) override {
        auto* sub = app.add_subcommand(
            "plan",
            "Propose new sites so that every county meets its targets: per county and type, the fewest sites (or "
            "least cost) from the candidate host buildings (or village points), solved exactly with CBC under a "
            "time limit, ordered by marginal gain and phased by year. --budget TYPE=N asks instead for the N sites "
            "covering the most priority-weighted people; TYPE=1..N gives the coverage-vs-sites curve. Writes "
            "everything analyze writes plus proposed_sites and plan_summary.");
        m_inputs.add_to(*sub);
        m_output.add_to(*sub);
        sub->add_option("--budget", m_budgets,
                        "Maximal cover for a type: TYPE=N sites, or TYPE=1..N for a sweep (repeatable)");
        sub->add_option("--per-year", m_per_year, "New sites a year per type (default from the rules: 6, plan 002)");
        sub->add_option("--start-year", m_start_year, "First year of the plan (default from the rules)");
        sub->add_option("--year-scope", m_scope, "Share the yearly budget city-wide or give each county its own")
            ->check(CLI::IsMember({"city", "county"}))
            ->capture_default_str();
        sub->add_option("--by-year", m_by_year, "Report how many sites a year would meet every target by this year");
        sub->add_option("--time-limit", m_time_limit, "Seconds the exact solver may spend per county and type");
        sub->add_option("--gap", m_gap, "Stop the exact solver at this relative gap (0: prove optimality)")
            ->capture_default_str();
        sub->add_option("--solver", m_solver,
                        "exact (CBC), heuristic (greedy + swap with an LP bound), or automatic "
                        "(exact, falling back to the heuristic on time-out)")
            ->check(CLI::IsMember({"exact", "heuristic", "automatic"}))
            ->capture_default_str();
        sub->add_option("--min-spacing", m_min_spacing,
                        "Metres between new sites of one type (default from the rules)");
        return sub;
    }

    int run(const GlobalOptions& global) override {
        m_output.validate();
        const Reporter reporter = make_reporter(global);
        const rules::Rules rules = m_inputs.load_rules();
        planning::Options plan_options = planning::defaults(rules);
        for (const auto& b : m_budgets) planning::parse_budget(b, plan_options);
        if (m_per_year > 0) plan_options.per_year = m_per_year;
        if (m_start_year > 0) plan_options.start_year = m_start_year;
        plan_options.scope = m_scope == "county" ? planning::YearScope::county : planning::YearScope::city;
        plan_options.by_year = m_by_year;
        if (m_min_spacing >= 0) plan_options.min_spacing_m = m_min_spacing;
        if (m_time_limit > 0) plan_options.solve.time_limit_s = m_time_limit;
        plan_options.solve.relative_gap = m_gap;
        plan_options.solve.solver = m_solver == "exact"       ? cover::Solver::exact
                                    : m_solver == "heuristic" ? cover::Solver::heuristic
                                                              : cover::Solver::automatic;
        plan_options.threads = m_output.threads;
        analysis::Options options;
        options.read = m_inputs.read_options();
        options.gaps = m_output.gaps();
        const analysis::Analysis a = analysis::run(options, rules, reporter);
        core::StageClock clock;
        const planning::Result plan = planning::run(a, rules, plan_options, reporter);
        const std::vector<StageTiming> later{clock.lap("plan")};
        write_analysis_output(m_output, m_inputs, rules, a, &plan, "plan",
                              [&](output::Writer&, std::vector<std::pair<std::string, std::string>>& rows) {
                                  rows.emplace_back("per_year", std::to_string(plan_options.per_year));
                                  rows.emplace_back("start_year", std::to_string(plan_options.start_year));
                                  rows.emplace_back("year_scope", m_scope);
                                  rows.emplace_back("solver", m_solver);
                                  for (const auto& b : m_budgets) rows.emplace_back("budget", b);
                                  for (const auto& [key, n] : plan.per_year_needed) {
                                      rows.emplace_back("per_year_to_meet_by_" + std::to_string(m_by_year) + ":" +
                                                            key.first + ":" + key.second,
                                                        std::to_string(n));
                                  }
                              },
                              later);
        print_summary(std::cout, a, rules);
        print_plan(std::cout, plan, rules);
        return 0;
    }

private:
    static void print_plan(std::ostream& os, const planning::Result& plan, const rules::Rules& rules) {
        for (std::size_t t = 0; t < rules.types.size(); ++t) {
            const auto& key = rules.types[t].key;
            int sites = 0, met_after = 0, infeasible = 0;
            for (const auto& s : plan.sites) sites += s.type == key ? 1 : 0;
            for (const auto& c : plan.counties_after) met_after += c.types[t].met ? 1 : 0;
            for (const auto& r : plan.summary) infeasible += (r.type == key && r.status == "infeasible") ? 1 : 0;
            os << "  plan " << key << ": " << sites << " new sites; target met after the plan in " << met_after << "/"
               << plan.counties_after.size() << " counties";
            if (infeasible > 0) os << " (" << infeasible << " cannot be met with the candidates: see plan_summary)";
            os << '\n';
        }
        for (const auto& [key, n] : plan.per_year_needed) {
            os << "  city " << key.first << " " << key.second << ": " << n
               << " sites a year meet every target in time\n";
        }
    }

    InputOptions m_inputs;
    OutputOptions m_output;
    std::vector<std::string> m_budgets;
    int m_per_year = 0;
    int m_start_year = 0;
    std::string m_scope = "city";
    int m_by_year = 0;
    double m_time_limit = 0;
    double m_gap = 0;
    std::string m_solver = "automatic";
    double m_min_spacing = -1;
};

}  // namespace

std::unique_ptr<Command> make_plan_command() {
    return std::make_unique<PlanCommand>();
}

}  // namespace scicov::cli
