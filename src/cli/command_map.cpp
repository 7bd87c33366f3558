// scicov map: one map (PNG, SVG or PDF) of an output GeoPackage.
#include <cstdlib>
#include <iostream>
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
            "Draw a map of an output GeoPackage (from analyze or plan): villages coloured by coverage of one type, "
            "gaps hatched, county and township borders, existing facilities, proposed sites by year, legend, true "
            "scale bar, north arrow. The format follows the extension: .png, .svg or .pdf.");
        sub->add_option("gpkg", m_input, "Output GeoPackage of scicov analyze or plan")->required();
        sub->add_option("-o,--output", m_output, "Map file: .png, .svg or .pdf")->required();
        sub->add_option("--type", m_options.type, "Facility type (rules key)")->capture_default_str();
        sub->add_option("--county", m_options.county,
                        "Zoom to this county (6-digit code) or to the counties of a city (4-digit prefix)");
        sub->add_option("--width", m_options.width_px, "Width in pixels (PDF: points × 4/3)")->capture_default_str();
        sub->add_option("--title", m_options.title, "Title (default: place and type)");
        sub->add_option("--date", m_date,
                        "Date printed on the map, YYYY-MM-DD (default: SOURCE_DATE_EPOCH, else today)");
        return sub;
    }

    int run(const GlobalOptions& /*global*/) override {
        report::MapOptions options = m_options;
        options.date = report::resolve_date(m_date, std::getenv("SOURCE_DATE_EPOCH"));
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
    std::optional<std::string> m_date;
    report::MapOptions m_options;
};

}  // namespace

std::unique_ptr<Command> make_map_command() {
    return std::make_unique<MapCommand>();
}

}  // namespace scicov::cli
