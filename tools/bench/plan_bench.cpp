// plan-bench: the planning solver on the generator — uniform random demands and
// candidates in a square (50 km), cover within a radius (3 km), fixed seeds.
//
//   plan-bench generate --demands N --candidates M --seed S [--side-m 50000] [--radius-m 3000] [-o FILE]
//   plan-bench mclp  --demands N --candidates M --budget P [--seeds 1,2,3] [--repeat R] [--solver S] [--time-limit T]
//   plan-bench lscp  --demands N --candidates M [--seeds 1] [--repeat R] [--solver S] [--time-limit T] [--gap G]
//
// Prints one line per run and a summary line with medians. Speed is measured here, never in tests.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "plan_io.hpp"

namespace {

using namespace scicov;

struct GenSpec {
    std::int32_t demands = 10000;
    std::int32_t candidates = 2000;
    std::uint32_t seed = 1;
    double side_m = 50000;
    double radius_m = 3000;
};

/// Demand i: measure 1 (a village), weight = population × priority (1.5 for one in ten).
cover::CoverProblem generate(const GenSpec& g) {
    std::mt19937_64 rng(g.seed);
    std::uniform_real_distribution<double> u(0.0, g.side_m);
    std::uniform_int_distribution<int> pop(200, 3000);
    std::uniform_int_distribution<int> pri(0, 9);
    std::vector<double> dx(static_cast<std::size_t>(g.demands)), dy(dx.size());
    cover::CoverProblem p;
    for (std::size_t i = 0; i < dx.size(); ++i) {
        dx[i] = u(rng);
        dy[i] = u(rng);
        p.measure.push_back(1.0);
        const double priority = pri(rng) == 0 ? 1.5 : 1.0;
        p.weight.push_back(pop(rng) * priority);
        p.covered.push_back(0);
    }
    // grid buckets of the radius' size
    const int cells = std::max(1, static_cast<int>(std::ceil(g.side_m / g.radius_m)));
    std::vector<std::vector<std::int32_t>> grid(static_cast<std::size_t>(cells * cells));
    auto cell = [&](double v) { return std::clamp(static_cast<int>(v / g.radius_m), 0, cells - 1); };
    for (std::size_t i = 0; i < dx.size(); ++i)
        grid[static_cast<std::size_t>(cell(dy[i]) * cells + cell(dx[i]))].push_back(static_cast<std::int32_t>(i));
    p.offsets.push_back(0);
    std::vector<std::int32_t> hit;
    for (std::int32_t j = 0; j < g.candidates; ++j) {
        const double cx = u(rng), cy = u(rng);
        hit.clear();
        for (int gy = std::max(0, cell(cy) - 1); gy <= std::min(cells - 1, cell(cy) + 1); ++gy)
            for (int gx = std::max(0, cell(cx) - 1); gx <= std::min(cells - 1, cell(cx) + 1); ++gx)
                for (auto i : grid[static_cast<std::size_t>(gy * cells + gx)]) {
                    const double ex = dx[static_cast<std::size_t>(i)] - cx, ey = dy[static_cast<std::size_t>(i)] - cy;
                    if (ex * ex + ey * ey <= g.radius_m * g.radius_m) hit.push_back(i);
                }
        std::sort(hit.begin(), hit.end());
        p.demands.insert(p.demands.end(), hit.begin(), hit.end());
        p.offsets.push_back(static_cast<std::int32_t>(p.demands.size()));
        p.cost.push_back(1.0);
    }
    return p;
}

double median(std::vector<double> v) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    const auto n = v.size();
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

std::vector<std::uint32_t> parse_seeds(const std::string& s) {
    std::vector<std::uint32_t> out;
    std::stringstream in(s);
    std::string item;
    while (std::getline(in, item, ',')) out.push_back(static_cast<std::uint32_t>(std::stoul(item)));
    return out;
}

int usage(const std::string& why) {
    std::cerr << "plan-bench: " << why << "\nusage: plan-bench generate|mclp|lscp [options] (see the source header)\n";
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) return usage("say generate, mclp or lscp");
    const std::string cmd = argv[1];
    GenSpec g;
    std::string out_file, seeds = "1";
    double budget = 20, time_limit = 60, gap = 0;
    int repeat = 3;
    cover::SolveOptions options;
    options.solver = cover::Solver::automatic;
    try {
        for (int a = 2; a < argc; ++a) {
            const std::string arg = argv[a];
            auto value = [&]() -> std::string {
                if (a + 1 >= argc) throw std::invalid_argument(arg + " needs a value");
                return argv[++a];
            };
            if (arg == "--demands")
                g.demands = std::stoi(value());
            else if (arg == "--candidates")
                g.candidates = std::stoi(value());
            else if (arg == "--seed" || arg == "--seeds")
                seeds = value();
            else if (arg == "--side-m")
                g.side_m = std::stod(value());
            else if (arg == "--radius-m")
                g.radius_m = std::stod(value());
            else if (arg == "-o")
                out_file = value();
            else if (arg == "--budget")
                budget = std::stod(value());
            else if (arg == "--repeat")
                repeat = std::stoi(value());
            else if (arg == "--time-limit")
                time_limit = std::stod(value());
            else if (arg == "--gap")
                gap = std::stod(value());
            else if (arg == "--no-presolve")
                options.presolve = false;
            else if (arg == "--solver") {
                const auto v = value();
                options.solver = v == "exact"       ? cover::Solver::exact
                                 : v == "heuristic" ? cover::Solver::heuristic
                                                    : cover::Solver::automatic;
            } else
                return usage("unknown option " + arg);
        }
    } catch (const std::exception& e) {
        return usage(e.what());
    }
    options.time_limit_s = time_limit;
    options.relative_gap = gap;
    try {
        if (cmd == "generate") {
            g.seed = parse_seeds(seeds).front();
            const auto p = generate(g);
            if (out_file.empty()) {
                bench::write_instance(std::cout, p);
            } else {
                std::ofstream out(out_file);
                bench::write_instance(out, p);
            }
            return 0;
        }
        if (cmd != "mclp" && cmd != "lscp") return usage("unknown command " + cmd);
        std::vector<double> times, cpu_times, gaps;
        for (auto seed : parse_seeds(seeds)) {
            g.seed = seed;
            const auto p = generate(g);
            for (int r = 0; r < repeat; ++r) {
                const auto t0 = std::chrono::steady_clock::now();
                const std::clock_t c0 = std::clock();
                cover::Solution s;
                if (cmd == "mclp") {
                    s = cover::solve_max_cover(p, budget, options);
                } else {
                    // full cover of every demand some candidate reaches
                    std::vector<std::uint8_t> reach(p.measure.size(), 0);
                    for (auto d : p.demands) reach[static_cast<std::size_t>(d)] = 1;
                    double target = 0;
                    for (std::size_t i = 0; i < reach.size(); ++i) target += reach[i] * p.measure[i];
                    s = cover::solve_set_cover(p, target, options);
                }
                const double sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
                const double cpu = static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC;
                times.push_back(sec);
                cpu_times.push_back(cpu);
                gaps.push_back(s.gap);
                std::printf(
                    "%s demands=%d candidates=%d seed=%u run=%d solver=%s status=%s method=%s objective=%.10g "
                    "bound=%.10g gap=%.6f sites=%zu seconds=%.3f cpu_seconds=%.3f presolve: demands %d->%d candidates "
                    "%d->%d\n",
                    cmd.c_str(), g.demands, g.candidates, seed, r,
                    std::string(cover::to_string(options.solver)).c_str(),
                    std::string(cover::to_string(s.status)).c_str(), std::string(cover::to_string(s.method)).c_str(),
                    s.objective, s.bound, s.gap, s.sites.size(), sec, cpu, s.presolve.demands_in,
                    s.presolve.demands_out, s.presolve.candidates_in, s.presolve.candidates_out);
                std::fflush(stdout);
            }
        }
        std::printf(
            "summary %s demands=%d candidates=%d solver=%s runs=%zu median_seconds=%.3f max_seconds=%.3f "
            "median_cpu_seconds=%.3f median_gap=%.6f\n",
            cmd.c_str(), g.demands, g.candidates, std::string(cover::to_string(options.solver)).c_str(), times.size(),
            median(times), *std::max_element(times.begin(), times.end()), median(cpu_times), median(gaps));
    } catch (const std::exception& e) {
        std::cerr << "plan-bench: " << e.what() << '\n';
        return 1;
    }
    return 0;
}
