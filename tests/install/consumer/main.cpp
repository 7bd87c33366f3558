// Runs one analysis through the installed scicov package and checks what it says about one
// county. Usage: consumer DATASET COUNTY_CODE VILLAGES TYPE COVERED: the county's village count
// and how many of them a facility type covers, as `scicov analyze` finds them.
#include <exception>
#include <iostream>
#include <string>

#include "scicov/analysis.hpp"
#include "scicov/rules.hpp"

int main(int argc, char** argv) {
    if (argc != 6) {
        std::cerr << "usage: consumer DATASET COUNTY_CODE VILLAGES TYPE COVERED\n";
        return 2;
    }
    const std::string county = argv[2];
    const int villages = std::stoi(argv[3]);
    const std::string type = argv[4];
    const int covered = std::stoi(argv[5]);
    try {
        const scicov::rules::Rules rules = scicov::rules::default_rules();
        scicov::analysis::Options options;
        options.read.inputs = {argv[1]};
        options.read.counties = {county};
        const scicov::analysis::Analysis a = scicov::analysis::run(options, rules, scicov::Reporter{});

        int failures = 0;
        auto check = [&failures](bool ok, const std::string& what) {
            if (!ok) {
                std::cerr << "FAIL: " << what << '\n';
                ++failures;
            }
        };
        check(a.counties.size() == 1, "one county summarised, got " + std::to_string(a.counties.size()));
        check(a.inputs.villages.size() == static_cast<std::size_t>(villages),
              "villages read: " + std::to_string(a.inputs.villages.size()));
        if (a.counties.size() == 1) {
            const auto& c = a.counties.front();
            check(c.code == county, "county code " + c.code);
            check(c.villages == villages, "county villages " + std::to_string(c.villages));
            bool found_type = false;
            check(!rules.types.empty() && c.types.size() == rules.types.size(), "one summary per facility type");
            for (std::size_t t = 0; t < c.types.size() && t < rules.types.size(); ++t) {
                const auto& s = c.types[t];
                std::cout << c.code << ' ' << rules.types[t].key << ": share " << s.share << ", " << s.villages_cov
                          << " of " << c.villages << " villages covered\n";
                check(s.share >= 0 && s.share <= 1, rules.types[t].key + " share in [0, 1]");
                check(s.villages_cov >= 0 && s.villages_cov <= c.villages, rules.types[t].key + " villages covered");
                if (rules.types[t].key == type) {
                    check(s.villages_cov == covered, type + " covers " + std::to_string(s.villages_cov) +
                                                         " villages, not " + std::to_string(covered));
                    found_type = true;
                }
            }
            check(found_type, "a facility type " + type);
        }
        return failures == 0 ? 0 : 1;
    } catch (const std::exception& e) {
        std::cerr << "consumer: " << e.what() << '\n';
        return 1;
    }
}
