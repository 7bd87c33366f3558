// scicov plan: where new facilities should go, in which year, to meet each county's targets.
#include <iostream>

#include "command.hpp"
#include "core/timing.hpp"
#include "input_options.hpp"
#include "output_options.hpp"

namespace scicov::cli {
namespace {

/// A value given on the command line, kept as text for the library to check: a rules key
/// ("planning.per_year") or one of the plan's own options ("relative_gap").
struct GivenValue {
    std::string flag;
    std::string key;
    std::string text;
};

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
        sub->add_option("--sites", m_output.sites,
                        "Also write the site list (规划点位清单) a county can act on: every proposed site with county, "
                        "township and village, host, year (远期 after the horizon), rank, people and villages newly "
                        "covered, cost; .xlsx (Excel) or .csv (UTF-8 with a BOM for Excel)");
        values(*sub, "--budget", "budget",
               "Maximal cover for a type: TYPE=N sites, or TYPE=1..N for a sweep (repeatable)");
        values(*sub, "--per-year", "planning.per_year",
               "New sites a year, 1 to 100000: N for every type (default from the rules: 6, plan 002), or TYPE=N "
               "for one type (repeatable; over the type's per_year in the rules)")
            ->expected(1);
        value(*sub, "--start-year", "planning.start_year",
              "First year of the plan, 2000 to 2100 (default from the rules)");
        value(*sub, "--year-scope", "year_scope",
              "city: share the yearly budget city-wide (default); county: give each county its own");
        value(*sub, "--by-year", "by_year",
              "The horizon year, 2000 to 2100 (default from the rules: 2035): per county and type the yearly "
              "budget that meets the target by then (plan_horizon), and per city the sites a year that meet every "
              "target in time");
        value(*sub, "--time-limit", "planning.time_limit_s",
              "Seconds (> 0) the exact solver may spend per county and type (default from the rules)");
        value(*sub, "--gap", "relative_gap",
              "Stop the exact solver at this relative gap, 0 to 1 (default 0: prove optimality)");
        value(*sub, "--solver", "solver",
              "exact (CBC), heuristic (greedy + swap with an LP bound), or automatic (default: exact, falling back "
              "to the heuristic on time-out)");
        value(*sub, "--min-spacing", "planning.min_spacing_m",
              "Metres (>= 0) between new sites of one type (default from the rules)");
        value(*sub, "--equalise", "equalise",
              "none (default from the rules: planning.equalise) or rural_first: build the sites that newly cover "
              "rural villages (村) before urban communities (社区), in each county and city-wide (003, 均等化); "
              "the sites stay the same, their ranks and years change, and the urban_rural table gives the gap "
              "before, each year and after");
        return sub;
    }

    int run(const GlobalOptions& global) override {
        m_output.validate(m_inputs);
        const rules::Rules rules = m_inputs.load_rules();
        const planning::Options plan_options = options(rules);
        const Reporter reporter = make_reporter(global);
        analysis::Options options;
        options.read = m_inputs.read_options();
        options.gaps = m_output.gaps();
        options.read.threads = options.gaps.threads;
        const analysis::Analysis a = analysis::run(options, rules, reporter);
        core::StageClock clock;
        const planning::Result plan = planning::run(a, rules, plan_options, reporter);
        const std::vector<StageTiming> later{clock.lap("plan")};
        write_analysis_output(m_output, m_inputs, rules, a, PlanOutput{plan_options, plan}, "plan", later);
        print_summary(std::cout, a, rules);
        print_plan(std::cout, plan, rules);
        return 0;
    }

private:
    /// Declares an option whose value is kept, in the order given, as text for the library.
    CLI::Option* value(CLI::App& sub, const std::string& flag, const std::string& key, const std::string& help) {
        return sub.add_option_function<std::string>(
            flag,
            [this, flag, key](const std::string& text) {
                m_given.push_back(GivenValue{flag, key, text});
            },
            help);
    }

    /// As value(), for an option that may be given more than once.
    CLI::Option* values(CLI::App& sub, const std::string& flag, const std::string& key, const std::string& help) {
        return sub.add_option_function<std::vector<std::string>>(
            flag,
            [this, flag, key](const std::vector<std::string>& texts) {
                for (const auto& t : texts) m_given.push_back(GivenValue{flag, key, t});
            },
            help);
    }

    /// The plan's options: the rules' [planning] values with the rules keys given on the command
    /// line applied over them (checked as in a rules file), then the plan's own options.
    planning::Options options(const rules::Rules& rules) const {
        rules::Rules used = rules;
        // --per-year TYPE=N is the plan's own option; --per-year N the rules key.
        const auto key = [](const GivenValue& v) {
            return v.flag == "--per-year" && v.text.find('=') != std::string::npos ? std::string("per_year") : v.key;
        };
        for (const auto& v : m_given) {
            if (key(v).rfind("planning.", 0) != 0) continue;
            used = checked(v.flag, [&] { return rules::apply(used, {{v.key, v.text}}); });
        }
        planning::Options o = planning::defaults(used);
        for (const auto& v : m_given) {
            if (key(v).rfind("planning.", 0) == 0) continue;
            checked(v.flag, [&] { planning::set(o, rules, key(v), v.text); });
        }
        o.threads = m_output.threads;
        return o;
    }

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
        for (const auto& h : plan.horizon) {
            os << "  " << h.county_code << " " << h.county_name << " " << h.type_name_zh << ": " << h.sentence_zh
               << '\n';
        }
    }

    InputOptions m_inputs;
    OutputOptions m_output;
    std::vector<GivenValue> m_given;
};

}  // namespace

std::unique_ptr<Command> make_plan_command() {
    return std::make_unique<PlanCommand>();
}

}  // namespace scicov::cli
