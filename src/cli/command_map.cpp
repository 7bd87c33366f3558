// scicov map: one map (PNG, SVG or PDF) of an output GeoPackage.
#include <cstdlib>
#include <iostream>
#include <map>
#include <optional>

#include "command.hpp"
#include "output_options.hpp"
#include "scicov/report.hpp"

namespace scicov::cli {
namespace {

class MapCommand final : public Command {
public:
    CLI::App* setup(CLI::App& app) override {
        auto* sub = app.add_subcommand(
            "map",
            "Draw a map of an output GeoPackage (from analyze or plan, in any --out-crs): villages coloured by "
            "coverage of one type, gaps hatched, county and township borders, existing facilities, proposed sites by "
            "year, legend, true scale bar, north arrow. The format follows the extension: .png, .svg or .pdf.\n"
            "Examples:\n"
            "  scicov map plan.gpkg -o huize.png --county 会泽县 --type e站\n"
            "  scicov map plan.gpkg -o qujing.png --county 5303 --type 科普教育基地");
        sub->add_option("gpkg", m_input, "Output GeoPackage of scicov analyze or plan")->required();
        sub->add_option("-o,--output", m_output, "Map file: .png, .svg or .pdf")->required();
        sub->add_option(
               "--type", m_options.type,
               "Facility type: its rules key or any name the run's rules know it by (科普e站, e站, 科普基地 …)")
            ->capture_default_str();
        sub->add_option("--county", m_counties,
                        "Zoom to this county: a 6-digit code, a county name (会泽县), or a code prefix (4 digits: a "
                        "city; 2: a province); repeatable. Default: every county in the file");
        sub->add_option("--width", m_options.width_px, "Width in pixels (PDF: points × 4/3)")
            ->capture_default_str()
            ->check(CLI::Range(300, 12000));
        CLI::Option* paper =
            sub->add_option(
                   "--paper", m_options.paper,
                   "Print on paper: A4 or A3 (the page is the paper exactly; PNG at --dpi). Default: a screen map "
                   "--width pixels wide")
                ->transform(CLI::CheckedTransformer(
                    std::map<std::string, report::Paper>{{"A4", report::Paper::a4}, {"A3", report::Paper::a3}},
                    CLI::ignore_case));
        sub->add_option("--orientation", m_options.orientation, "landscape or portrait (with --paper)")
            ->transform(CLI::CheckedTransformer(
                std::map<std::string, report::Orientation>{{"landscape", report::Orientation::landscape},
                                                           {"portrait", report::Orientation::portrait}},
                CLI::ignore_case))
            ->default_str("landscape")
            ->needs(paper);
        sub->add_option("--scale", m_options.scale,
                        "Ratio scale 1:N on paper, e.g. --scale 250000 (with --paper). Default: the round scale (1, "
                        "1.5, 2, 2.5, 3, 4, 5, 6 or 8 × 10^k) that fits the county in the frame")
            ->check(CLI::Range(1000.0, 1e8))
            ->needs(paper);
        sub->add_option("--dpi", m_options.dpi, "PNG resolution on paper, pixels per inch")
            ->capture_default_str()
            ->check(CLI::Range(72, 1200))
            ->needs(paper);
        sub->add_option("--org", m_options.org,
                        "制图单位 (mapping unit) in the footer; default: a blank line to fill in by hand");
        sub->add_option("--title", m_options.title, "Title (default: place and type)");
        sub->add_option("--date", m_date,
                        "Date printed on the map, YYYY-MM-DD (default: SOURCE_DATE_EPOCH, else today)");
        return sub;
    }

    int run(const GlobalOptions& /*global*/) override {
        report::MapOptions options = m_options;
        options.date = report::resolve_date(m_date, std::getenv("SOURCE_DATE_EPOCH"));
        for (const auto& c : m_counties) options.county += (options.county.empty() ? "" : ",") + c;
        report::format_for(m_output);  // a usage error before any reading
        prepare_outputs({{"-o", m_output}}, {{"", m_input}});
        const report::Output out = report::load_output(m_input);
        report::write_map(out, options, m_output);
        std::cout << "wrote " << m_output << '\n';
        return 0;
    }

private:
    std::string m_input;
    std::string m_output;
    std::vector<std::string> m_counties;
    std::optional<std::string> m_date;
    report::MapOptions m_options;
};

}  // namespace

std::unique_ptr<Command> make_map_command() {
    return std::make_unique<MapCommand>();
}

}  // namespace scicov::cli
