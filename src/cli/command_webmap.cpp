// scicov webmap: the interactive map (科普资源共建共享地图) of an output GeoPackage.
#include <filesystem>
#include <iostream>
#include <system_error>

#include "command.hpp"
#include "output_options.hpp"
#include "scicov/webmap.hpp"

namespace scicov::cli {
namespace {

class WebmapCommand final : public Command {
public:
    CLI::App* setup(CLI::App& app) override {
        auto* sub = app.add_subcommand(
            "webmap",
            "Write the interactive map of an output GeoPackage (科普资源共建共享地图): one self-contained HTML page "
            "(Leaflet, data and script inlined) that opens from file:// or any static web server with no network "
            "and no tile server, and can be mailed as one file.\n"
            "The page shows the facilities by type (name, grade, status, and address or opening fields when the "
            "input has them), the villages coloured by coverage of the type chosen in the type selector, the gaps "
            "and the proposed sites of that type by year, and county and township borders and names; it has a "
            "layer switcher, a legend, popups (a village: its people, which types cover it, the distance in metres, "
            "or the minutes for travel-time types, to the nearest facility of each type), search by name "
            "(facility, village, township, county) that zooms there and opens the popup, and downloads of the "
            "facilities as CSV and GeoJSON. Chinese first, English second.\n"
            "Borders are simplified with their shared edges kept shared and coordinates rounded (docs/webmap.md).\n"
            "Examples:\n"
            "  scicov webmap plan.gpkg -o map.html\n"
            "  scicov webmap plan.gpkg -o site/          (writes site/index.html)\n"
            "  scicov webmap plan.gpkg -o map.html --basemap "
            "'https://t{s}.tianditu.gov.cn/DataServer?T=vec_w&x={x}&y={y}&l={z}&tk=KEY' --basemap-attribution '© "
            "天地图'");
        sub->add_option("gpkg", m_input, "Output GeoPackage of scicov analyze or plan")->required();
        sub->add_option("-o,--output", m_output,
                        "The page (a path ending in .html) or a folder that receives index.html")
            ->required();
        sub->add_option("--simplify-m", m_options.simplify_m,
                        "Tolerance of the border simplification in metres (0: none)")
            ->capture_default_str()
            ->check(CLI::NonNegativeNumber);
        sub->add_option("--decimals", m_options.decimals, "Decimals kept in coordinates (5: about 1 m)")
            ->capture_default_str()
            ->check(CLI::Range(0, 9));
        sub->add_option("--basemap", m_options.basemap,
                        "Optional XYZ tile URL template with {z} {x} {y} (and {s}: subdomains 0-7), e.g. 天地图 with "
                        "your key; the page then needs the network for the tiles only");
        sub->add_option("--basemap-attribution", m_options.basemap_attribution, "Attribution shown for the basemap");
        sub->add_option("--title", m_options.title, "Title of the page (default: 科普资源共建共享地图)");
        return sub;
    }

    int run(const GlobalOptions& global) override {
        const auto target = webmap::page_path(m_output);
        std::error_code ec;
        // A folder that does not exist yet is created by write_webmap: nothing in it to check.
        if (target == m_output || std::filesystem::is_directory(m_output, ec)) {
            prepare_outputs({{"-o", target}}, {{"", m_input}});
        }
        const auto page = webmap::write_webmap(m_input, m_options, m_output, make_reporter(global));
        std::cout << "wrote " << page.string() << " (open it in a browser)\n";
        return 0;
    }

private:
    std::string m_input;
    std::string m_output;
    webmap::Options m_options;
};

}  // namespace

std::unique_ptr<Command> make_webmap_command() {
    return std::make_unique<WebmapCommand>();
}

}  // namespace scicov::cli
