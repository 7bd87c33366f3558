// plan-instance: solve one abstract cover instance (text format, see plan_io.hpp) and print the
// solution as JSON on stdout. For cross-checks (tests/e2e/test_plan_pulp.py) and benchmarks.
//
//   plan-instance (--set-cover TARGET | --full | --max-cover BUDGET | --sweep N)
//                 [--objective sites|cost] [--solver exact|heuristic|automatic]
//                 [--time-limit S] [--gap G] [--no-presolve] [FILE]      (FILE or stdin)
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <numeric>
#include <string>

#include "plan_io.hpp"

namespace {

int usage(const std::string& why) {
    std::cerr << "plan-instance: " << why
              << "\nusage: plan-instance (--set-cover TARGET | --full | --max-cover BUDGET | --sweep N)"
                 " [--objective sites|cost] [--solver exact|heuristic|automatic] [--time-limit S] [--gap G]"
                 " [--no-presolve] [FILE]\n";
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    using namespace scicov;
    enum class Mode { none, set_cover, full, max_cover, sweep } mode = Mode::none;
    double amount = 0;
    cover::SolveOptions options;
    std::string file;
    try {
        for (int a = 1; a < argc; ++a) {
            const std::string arg = argv[a];
            auto value = [&]() -> std::string {
                if (a + 1 >= argc) throw std::invalid_argument(arg + " needs a value");
                return argv[++a];
            };
            if (arg == "--set-cover")
                mode = Mode::set_cover, amount = std::stod(value());
            else if (arg == "--full")
                mode = Mode::full;
            else if (arg == "--max-cover")
                mode = Mode::max_cover, amount = std::stod(value());
            else if (arg == "--sweep")
                mode = Mode::sweep, amount = std::stod(value());
            else if (arg == "--objective") {
                const auto v = value();
                if (v == "sites")
                    options.objective = cover::Objective::sites;
                else if (v == "cost")
                    options.objective = cover::Objective::cost;
                else
                    return usage("unknown objective " + v);
            } else if (arg == "--solver") {
                const auto v = value();
                if (v == "exact")
                    options.solver = cover::Solver::exact;
                else if (v == "heuristic")
                    options.solver = cover::Solver::heuristic;
                else if (v == "automatic")
                    options.solver = cover::Solver::automatic;
                else
                    return usage("unknown solver " + v);
            } else if (arg == "--time-limit")
                options.time_limit_s = std::stod(value());
            else if (arg == "--gap")
                options.relative_gap = std::stod(value());
            else if (arg == "--no-presolve")
                options.presolve = false;
            else if (!arg.empty() && arg[0] == '-' && arg != "-")
                return usage("unknown option " + arg);
            else
                file = arg;
        }
    } catch (const std::exception& e) {
        return usage(e.what());
    }
    if (mode == Mode::none) return usage("say what to solve");
    try {
        cover::CoverProblem p;
        if (file.empty() || file == "-") {
            p = bench::read_instance(std::cin);
        } else {
            std::ifstream in(file);
            if (!in) throw Error(ErrorKind::io, "cannot open " + file);
            try {
                p = bench::read_instance(in);
            } catch (Error& e) {
                e.with_file(file);
                throw;
            }
        }
        switch (mode) {
            case Mode::set_cover:
                std::cout << bench::to_json(cover::solve_set_cover(p, amount, options)) << '\n';
                break;
            case Mode::full: {
                const double total = std::accumulate(p.measure.begin(), p.measure.end(), 0.0);
                std::cout << bench::to_json(cover::solve_set_cover(p, total, options)) << '\n';
                break;
            }
            case Mode::max_cover:
                std::cout << bench::to_json(cover::solve_max_cover(p, amount, options)) << '\n';
                break;
            case Mode::sweep: {
                const auto all = cover::sweep_max_cover(p, static_cast<std::int32_t>(amount), options);
                std::cout << "{\"sweep\":[";
                for (std::size_t b = 0; b < all.size(); ++b) std::cout << (b ? "," : "") << bench::to_json(all[b]);
                std::cout << "]}\n";
                break;
            }
            case Mode::none:
                break;
        }
    } catch (const std::exception& e) {
        std::cerr << "plan-instance: " << e.what() << '\n';
        return 1;
    }
    return 0;
}
