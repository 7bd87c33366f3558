// The HTML report: one self-contained file (CSS inline, maps as base64 PNG, charts as inline
// SVG) with per-county tables, the plan year by year, coverage-vs-sites curves, urban vs rural
// coverage (POLICY 003) and the inputs and rules of the run.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <sstream>
#include <tuple>

#include "core/atomic_file.hpp"
#include "core/text.hpp"
#include "report/html.hpp"
#include "report/png.hpp"
#include "scicov/core.hpp"
#include "scicov/output.hpp"
#include "scicov/report.hpp"
#include "scicov/rules.hpp"

namespace scicov::report {

namespace {

using core::fixed;
using core::xml_escape;
using detail::base64;

std::string pct(double share) {
    return fixed(share * 100.0, 1) + "%";
}

std::string thousands(double v) {
    const long long n = std::llround(v);
    std::string s = std::to_string(n < 0 ? -n : n);
    for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3) s.insert(static_cast<std::size_t>(i), ",");
    return (n < 0 ? "-" : "") + s;
}

std::optional<double> value(const Output::Unit& u, const std::string& key) {
    const auto it = u.values.find(key);
    if (it == u.values.end()) return std::nullopt;
    return it->second;
}

std::string opt_pct(const std::optional<double>& v) {
    return v ? pct(*v) : "—";
}

std::string yes_no(const std::optional<double>& v) {
    if (!v) return "—";
    return *v != 0 ? "<span class=\"ok\">✓ 达标</span>" : "<span class=\"no\">✗ 未达标</span>";
}

std::string measure_of_target(const Output& out, const std::string& type) {
    // The target's measure is in the rules text of the run table; show the target number itself.
    for (const auto& c : out.counties) {
        if (auto t = value(c, "target_" + type)) return pct(*t);
    }
    return "—";
}

/// The (county, type) rows of a table such as plan_horizon.
std::map<std::pair<std::string, std::string>, const Output::Row*> by_county_type(const std::vector<Output::Row>& rows) {
    std::map<std::pair<std::string, std::string>, const Output::Row*> out;
    for (const auto& row : rows) {
        const auto c = row.find("county_code"), t = row.find("type");
        if (c != row.end() && t != row.end()) out.emplace(std::pair(c->second, t->second), &row);
    }
    return out;
}

std::string field(const Output::Row& row, const char* key) {
    const auto it = row.find(key);
    return it == row.end() ? std::string() : it->second;
}

/// The travel-time limit of each travel-time type, from the rules the run recorded (the run
/// table's `rules`); a type is left out when they cannot be read.
std::map<std::string, double> minute_limits(const Output& out) {
    std::map<std::string, double> limits;
    for (const auto& [key, text] : out.run) {
        if (key != "rules") continue;
        try {
            const rules::Rules r = rules::parse_rules(text, "the run table's rules");
            for (const auto& t : r.types) {
                if (t.rule.kind == rules::CoverageKind::travel_time) limits[t.key] = t.rule.minutes;
            }
        } catch (const Error&) {
            // An older or hand-made file: minutes are shown without the limit.
        }
    }
    return limits;
}

/// Minutes to the nearest facility of a travel-time type over a county's villages.
struct Minutes {
    int villages = 0, routed = 0;  ///< villages, and those with a route
    double median = 0, p90 = 0, max = 0;
    int beyond = 0;  ///< villages over the limit or without a route
    double people_beyond = 0;
};

/// Median (the middle value, or the mean of the two) and 90th percentile (nearest rank) of the
/// routed villages' minutes; villages beyond `limit` (when given) or without a route.
Minutes minutes_of(const Output& out, const std::string& county, const std::string& type,
                   const std::optional<double>& limit) {
    Minutes m;
    std::vector<double> t;
    for (const auto& v : out.villages) {
        if (v.county_code != county) continue;
        ++m.villages;
        const auto it = v.minutes.find(type);
        const bool routed = it != v.minutes.end();
        if (routed) t.push_back(it->second);
        if (!routed || (limit && it->second > *limit)) {
            ++m.beyond;
            m.people_beyond += v.population;
        }
    }
    m.routed = static_cast<int>(t.size());
    if (t.empty()) return m;
    std::sort(t.begin(), t.end());
    const std::size_t n = t.size();
    m.median = n % 2 == 1 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2;
    m.p90 = t[static_cast<std::size_t>(std::ceil(0.9 * static_cast<double>(n))) - 1];
    m.max = t.back();
    return m;
}

bool is_travel_time(const Output& out, const std::string& type) {
    return std::find(out.travel_time_types.begin(), out.travel_time_types.end(), type) != out.travel_time_types.end();
}

/// "12.5 / 28.0" minutes (median / 90th percentile), or "—" without a route.
std::string minutes_cell(const Minutes& m) {
    return m.routed > 0 ? fixed(m.median, 1) + " / " + fixed(m.p90, 1) : "—";
}

const char* k_css = R"(
:root { --ink:#1f1f1f; --muted:#5a5a5a; --line:#d6d9dd; --ok:#2e7d32; --no:#b03a2e; --head:#eef2f5; }
* { box-sizing: border-box; }
body { font-family: 'Noto Sans CJK SC','Noto Sans SC','Source Han Sans SC','PingFang SC','Microsoft YaHei',sans-serif;
       color: var(--ink); margin: 0 auto; max-width: 1180px; padding: 24px 28px 60px; line-height: 1.5; font-size: 15px; }
h1 { font-size: 28px; margin: 0 0 4px; }
h2 { font-size: 21px; margin: 36px 0 10px; padding-bottom: 4px; border-bottom: 2px solid var(--ink); }
h3 { font-size: 17px; margin: 22px 0 8px; }
.meta { color: var(--muted); margin: 0 0 18px; }
.kpis { display: flex; flex-wrap: wrap; gap: 12px; margin: 14px 0; }
.kpi { border: 1px solid var(--line); border-radius: 6px; padding: 10px 14px; min-width: 150px; }
.kpi b { display: block; font-size: 22px; }
.kpi span { color: var(--muted); font-size: 13px; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 14px; font-size: 13.5px; }
th, td { border: 1px solid var(--line); padding: 4px 7px; text-align: right; vertical-align: top; }
th { background: var(--head); font-weight: 600; }
th small { display: block; font-weight: 400; color: var(--muted); font-family: monospace; font-size: 11px; }
td.l, th.l { text-align: left; }
.ok { color: var(--ok); font-weight: 600; }
.no { color: var(--no); font-weight: 600; }
.bar { display: inline-block; height: 9px; background: #7aa6c2; vertical-align: middle; margin-right: 4px; }
.bar.r { background: #c9a26b; }
figure { margin: 12px 0 22px; }
figure img { width: 100%; height: auto; border: 1px solid var(--line); }
figcaption { color: var(--muted); font-size: 13px; }
.pair { display: grid; grid-template-columns: 1fr 1fr; gap: 18px; }
pre { background: #f6f7f8; border: 1px solid var(--line); padding: 10px; font-size: 12px; white-space: pre-wrap; }
.note { color: var(--muted); font-size: 13px; }
.county { border-top: 1px solid var(--line); margin-top: 14px; }
ul.terms { margin: 4px 0 6px; padding-left: 20px; }
ul.terms li { margin: 2px 0; }
.wide { overflow-x: auto; }
table.site-list { font-size: 12px; }
table.site-list td { white-space: nowrap; }
svg text { font-family: inherit; }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  h2 { break-before: page; }
  h2.first { break-before: avoid; }
  .county { break-inside: avoid; }
  table.site-list { font-size: 7.5pt; }
  .wide { overflow: visible; }
  figure, table, .chart { break-inside: avoid; }
  tr { break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
  @page { size: A4; margin: 14mm 12mm; }
}
)";

struct Totals {
    double population = 0, villages = 0;
    double pop_cov = 0, vil_cov = 0;
    int met = 0, met_after = 0, with_after = 0;
};

Totals totals(const Output& out, const std::string& type) {
    Totals t;
    for (const auto& c : out.counties) {
        t.population += value(c, "population").value_or(0);
        t.villages += value(c, "villages").value_or(0);
        t.pop_cov += value(c, "pop_cov_" + type).value_or(0);
        t.vil_cov += value(c, "villages_cov_" + type).value_or(0);
        t.met += value(c, "met_" + type).value_or(0) != 0 ? 1 : 0;
        if (auto a = value(c, "met_after_" + type)) {
            ++t.with_after;
            t.met_after += *a != 0 ? 1 : 0;
        }
    }
    return t;
}

/// A line chart of (x, y) series, y a share 0..1, as inline SVG.
std::string line_chart(const std::string& title, const std::string& x_label,
                       const std::vector<std::pair<std::string, std::vector<std::pair<double, double>>>>& series,
                       const std::optional<double>& target) {
    const double w = 560, h = 300, l = 56, r = 16, t = 30, b = 44;
    double max_x = 1;
    double min_y = 1;
    for (const auto& [name, pts] : series) {
        for (const auto& [x, y] : pts) {
            max_x = std::max(max_x, x);
            min_y = std::min(min_y, y);
        }
    }
    min_y = std::max(0.0, std::floor(min_y * 10.0) / 10.0 - 0.1);
    if (target) min_y = std::min(min_y, std::max(0.0, *target - 0.1));
    const auto sx = [&](double x) { return l + x / max_x * (w - l - r); };
    const auto sy = [&](double y) { return t + (1.0 - (y - min_y) / (1.0 - min_y)) * (h - t - b); };
    std::ostringstream o;
    o << "<svg class=\"chart\" viewBox=\"0 0 " << w << ' ' << h << "\" width=\"100%\" role=\"img\" aria-label=\""
      << xml_escape(title) << "\">\n";
    o << "<text x=\"" << l << "\" y=\"18\" font-size=\"14\" font-weight=\"bold\">" << xml_escape(title) << "</text>\n";
    for (int i = 0; i <= 5; ++i) {
        const double y = min_y + (1.0 - min_y) * i / 5.0;
        o << "<line x1=\"" << l << "\" x2=\"" << w - r << "\" y1=\"" << fixed(sy(y), 1) << "\" y2=\"" << fixed(sy(y), 1)
          << "\" stroke=\"#e3e6e9\"/>\n";
        o << "<text x=\"" << l - 6 << "\" y=\"" << fixed(sy(y) + 4, 1) << "\" font-size=\"11\" text-anchor=\"end\">"
          << fixed(y * 100, 0) << "%</text>\n";
    }
    for (int i = 0; i <= 4; ++i) {
        const double x = max_x * i / 4.0;
        o << "<text x=\"" << fixed(sx(x), 1) << "\" y=\"" << h - b + 16 << "\" font-size=\"11\" text-anchor=\"middle\">"
          << fixed(x, 0) << "</text>\n";
    }
    o << "<text x=\"" << (l + w - r) / 2 << "\" y=\"" << h - 8 << "\" font-size=\"12\" text-anchor=\"middle\">"
      << xml_escape(x_label) << "</text>\n";
    o << "<line x1=\"" << l << "\" x2=\"" << l << "\" y1=\"" << t << "\" y2=\"" << h - b << "\" stroke=\"#444\"/>\n";
    o << "<line x1=\"" << l << "\" x2=\"" << w - r << "\" y1=\"" << h - b << "\" y2=\"" << h - b
      << "\" stroke=\"#444\"/>\n";
    if (target) {
        o << "<line x1=\"" << l << "\" x2=\"" << w - r << "\" y1=\"" << fixed(sy(*target), 1) << "\" y2=\""
          << fixed(sy(*target), 1) << "\" stroke=\"#b03a2e\" stroke-dasharray=\"5 4\"/>\n";
        o << "<text x=\"" << w - r - 4 << "\" y=\"" << fixed(sy(*target) - 5, 1)
          << "\" font-size=\"11\" fill=\"#b03a2e\" text-anchor=\"end\">目标 target " << pct(*target) << "</text>\n";
    }
    static constexpr const char* k_colours[] = {"#1f4e9c", "#e6550d", "#2e7d32", "#7b3294", "#0f7d83", "#8c6d31"};
    std::size_t i = 0;
    for (const auto& [name, pts] : series) {
        const char* colour = k_colours[i % std::size(k_colours)];
        o << "<polyline fill=\"none\" stroke=\"" << colour << "\" stroke-width=\"2\" points=\"";
        for (const auto& [x, y] : pts) o << fixed(sx(x), 1) << ',' << fixed(sy(y), 1) << ' ';
        o << "\"/>\n";
        if (series.size() > 1) {
            o << "<text x=\"" << l + 10 << "\" y=\"" << t + 14 + 14 * i << "\" font-size=\"11\" fill=\"" << colour
              << "\">" << xml_escape(name) << "</text>\n";
        }
        ++i;
    }
    o << "</svg>\n";
    return o.str();
}

/// The document head, title, meta line (data, date, version, command) and key figures.
void head_section(std::ostream& h, const Output& out, const ReportOptions& options) {
    std::string version, command;
    for (const auto& [k, v] : out.run) {
        if (k == "scicov_version") version = v;
        if (k == "command") command = v;
    }
    double population = 0, villages = 0;
    for (const auto& c : out.counties) {
        population += value(c, "population").value_or(0);
        villages += value(c, "villages").value_or(0);
    }
    h << "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
      << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      << "<title>科普基础设施覆盖与规划报告 · " << xml_escape(options.date) << "</title>\n<style>" << k_css
      << "</style>\n</head>\n<body>\n";
    h << "<h1>科普基础设施覆盖与规划报告</h1>\n";
    h << "<p class=\"meta\">Science-popularisation facility coverage and plan · 数据 "
      << xml_escape(std::filesystem::path(out.file).filename().string()) << " · 日期 " << xml_escape(options.date)
      << " · scicov " << xml_escape(version.empty() ? SCICOV_VERSION : version)
      << (command.empty() ? "" : " " + xml_escape(command)) << "</p>\n";
    h << "<div class=\"kpis\"><div class=\"kpi\"><b>" << out.counties.size()
      << "</b><span>县(市、区) counties</span></div>"
      << "<div class=\"kpi\"><b>" << thousands(villages) << "</b><span>村(社区) villages</span></div>"
      << "<div class=\"kpi\"><b>" << thousands(population) << "</b><span>人口 population</span></div>"
      << "<div class=\"kpi\"><b>" << out.sites.size() << "</b><span>规划新增站点 proposed sites</span></div></div>\n";
}

/// The sentence of a county × type: the plan's terms as planning wrote them (plan_horizon), else
/// what the analysis says (met, or the share against the target).
std::string terms_of(const Output& out, const Output::Unit& c, const std::string& type,
                     const std::map<std::pair<std::string, std::string>, const Output::Row*>& horizon) {
    if (const auto it = horizon.find({c.code, type}); it != horizon.end()) return field(*it->second, "sentence_zh");
    const auto met = value(c, "met_" + type);
    if (met && *met != 0) return out.plan_summary.empty() ? "已达标" : "已达标，无需新建";
    return "未达标：现状 " + opt_pct(value(c, "share_" + type)) + "（目标 " + opt_pct(value(c, "target_" + type)) +
           "）" + (out.plan_summary.empty() ? "，未做规划" : "");
}

/// The key table of one county: per type target, now, gap, sites, after, year met (and minutes
/// for travel-time types).
void key_table(std::ostream& h, const Output& out, const Output::Unit& c, const std::map<std::string, double>& limits) {
    const bool minutes = !out.travel_time_types.empty();
    h << "<table class=\"key-table\" data-county=\"" << xml_escape(c.code)
      << "\"><tr><th class=\"l\">设施类型<small>type</small></th><th>目标<small>target</small></th>"
      << "<th>现状<small>share</small></th><th>达标<small>met</small></th><th>缺口<small>gap</small></th>";
    if (minutes) h << "<th>出行时间 分钟<small>median / P90</small></th><th>超时村数<small>beyond</small></th>";
    h << "<th>新增<small>sites</small></th><th>规划后<small>share_after</small></th>"
      << "<th>达标年份<small>year_met</small></th></tr>\n";
    for (const auto& type : out.types) {
        const auto year_met = value(c, "year_met_" + type);
        h << "<tr><td class=\"l\">" << xml_escape(out.type_name(type)) << "</td><td>"
          << opt_pct(value(c, "target_" + type)) << "</td><td>" << opt_pct(value(c, "share_" + type)) << "</td><td>"
          << yes_no(value(c, "met_" + type)) << "</td><td>"
          << (value(c, "gap_" + type) ? thousands(*value(c, "gap_" + type)) : "—") << "</td>";
        if (minutes) {
            if (is_travel_time(out, type)) {
                const auto limit = limits.find(type);
                const Minutes m =
                    minutes_of(out, c.code, type, limit != limits.end() ? std::optional(limit->second) : std::nullopt);
                h << "<td>" << minutes_cell(m) << "</td><td>" << m.beyond << "</td>";
            } else {
                h << "<td>—</td><td>—</td>";
            }
        }
        h << "<td>" << (value(c, "sites_" + type) ? fixed(*value(c, "sites_" + type), 0) : "—") << "</td><td>"
          << opt_pct(value(c, "share_after_" + type)) << "</td><td>"
          << (year_met && *year_met > 0 ? fixed(*year_met, 0) : "—") << "</td></tr>\n";
    }
    h << "</table>\n";
}

/// 一、The first screen: per county, the plan's terms in one sentence per type, then its key table.
void brief_section(std::ostream& h, const Output& out) {
    h << "<h2 class=\"first\" id=\"brief\">一、规划结论 The plan in brief</h2>\n";
    const auto horizon = by_county_type(out.plan_horizon);
    const auto limits = minute_limits(out);
    if (!out.plan_horizon.empty()) {
        h << "<p class=\"note\">“按全市每年 N 个”: 该类设施全市各县共用的每年新建个数 (“本县”: 每县各自的); "
          << "“Y 年达标需每年 M 个”: 在规划期末 (" << xml_escape(field(out.plan_horizon.front(), "horizon_year"))
          << " 年) 前达标所需的每年个数, 口径相同; 其后建成的点位为远期。</p>\n";
    }
    for (const auto& c : out.counties) {
        h << "<div class=\"county\" id=\"county-" << xml_escape(c.code) << "\"><h3>" << xml_escape(c.name) << " <small>"
          << xml_escape(c.code) << "</small></h3>\n<ul class=\"terms\">";
        for (const auto& type : out.types) {
            h << "<li data-type=\"" << xml_escape(type) << "\"><b>" << xml_escape(out.type_name(type)) << "</b>："
              << xml_escape(terms_of(out, c, type, horizon)) << "</li>";
        }
        h << "</ul>\n";
        key_table(h, out, c, limits);
        h << "</div>\n";
    }
}

/// 二、Summary per type: target, coverage, counties meeting it before and after the plan, sites and years.
void summary_section(std::ostream& h, const Output& out) {
    h << "<h2 id=\"summary\">二、总体情况 Summary</h2>\n<table id=\"summary-table\"><tr><th "
         "class=\"l\">设施类型<small>type</small></th>"
      << "<th>目标<small>target</small></th><th>村覆盖<small>villages_cov</small></th><th>人口覆盖<small>pop_cov</"
         "small></th>"
      << "<th>达标县<small>met</small></th><th>规划后达标<small>met_after</small></th><th>新增站点<small>sites</"
         "small></th>"
      << "<th>年份<small>years</small></th></tr>\n";
    for (const auto& type : out.types) {
        const Totals t = totals(out, type);
        int n = 0, y0 = 0, y1 = 0;
        for (const auto& s : out.sites) {
            if (s.type != type) continue;
            ++n;
            y0 = y0 == 0 ? s.year : std::min(y0, s.year);
            y1 = std::max(y1, s.year);
        }
        h << "<tr><td class=\"l\">" << xml_escape(out.type_name(type)) << " <small>" << xml_escape(type)
          << "</small></td><td>" << measure_of_target(out, type) << "</td><td>" << thousands(t.vil_cov) << " / "
          << thousands(t.villages) << " (" << pct(t.villages > 0 ? t.vil_cov / t.villages : 0) << ")</td><td>"
          << pct(t.population > 0 ? t.pop_cov / t.population : 0) << "</td><td>" << t.met << " / "
          << out.counties.size() << "</td><td>"
          << (t.with_after > 0 ? std::to_string(t.met_after) + " / " + std::to_string(out.counties.size()) : "—")
          << "</td><td>" << n << "</td><td>" << (n > 0 ? std::to_string(y0) + "–" + std::to_string(y1) : "—")
          << "</td></tr>\n";
    }
    h << "</table>\n<p class=\"note\">目标与覆盖口径见第十节的规则 (rules)。份额 share 按目标的口径计 "
         "(村数、人口或单位)。</p>\n";
}

/// 三、Per county and type: target, share, met, gap, and the same after the plan.
void county_tables(std::ostream& h, const Output& out) {
    h << "<h2 id=\"counties\">三、各县(市、区)指标 Per county</h2>\n";
    for (const auto& type : out.types) {
        h << "<h3>" << xml_escape(out.type_name(type)) << " <small>" << xml_escape(type) << "</small></h3>\n";
        h << "<table class=\"county-table\" data-type=\"" << xml_escape(type)
          << "\"><tr><th class=\"l\">代码<small>code</small></th>"
          << "<th class=\"l\">名称<small>name</small></th><th>目标<small>target_" << xml_escape(type) << "</small></th>"
          << "<th>现状<small>share_" << xml_escape(type)
          << "</small></th><th>达标<small>met</small></th><th>缺口<small>gap (村/人/个)</small></th>"
          << "<th>规划后<small>share_after</small></th><th>规划后达标<small>met_after</small></th>"
          << "<th>新增<small>sites</small></th><th>达标年份<small>year_met</small></th></tr>\n";
        for (const auto& c : out.counties) {
            const auto year_met = value(c, "year_met_" + type);
            h << "<tr><td class=\"l\">" << xml_escape(c.code) << "</td><td class=\"l\">" << xml_escape(c.name)
              << "</td><td>" << opt_pct(value(c, "target_" + type)) << "</td><td>" << opt_pct(value(c, "share_" + type))
              << "</td><td>" << yes_no(value(c, "met_" + type)) << "</td><td>"
              << (value(c, "gap_" + type) ? thousands(*value(c, "gap_" + type)) : "—") << "</td><td>"
              << opt_pct(value(c, "share_after_" + type)) << "</td><td>" << yes_no(value(c, "met_after_" + type))
              << "</td><td>" << (value(c, "sites_" + type) ? fixed(*value(c, "sites_" + type), 0) : "—") << "</td><td>"
              << (year_met && *year_met > 0 ? fixed(*year_met, 0) : "—") << "</td></tr>\n";
        }
        h << "</table>\n";
    }
}

/// 五、Maps as base64 PNG: one per city and type, or one per city of the default type when that is too many.
void maps_section(std::ostream& h, const Output& out, const ReportOptions& options) {
    h << "<h2 id=\"maps\">五、地图 Maps</h2>\n";
    {
        std::vector<std::string> cities;  // 4-digit prefixes
        for (const auto& c : out.counties) {
            const std::string p = c.code.substr(0, 4);
            if (std::find(cities.begin(), cities.end(), p) == cities.end()) cities.push_back(p);
        }
        std::vector<std::pair<std::string, std::string>> maps;  // (prefix, type)
        if (cities.size() * out.types.size() <= 8) {
            for (const auto& p : cities) {
                for (const auto& type : out.types) maps.emplace_back(p, type);
            }
        } else {
            const std::string type = std::find(out.types.begin(), out.types.end(), k_default_type) != out.types.end()
                                         ? k_default_type
                                         : out.types.front();
            for (const auto& p : cities) maps.emplace_back(p, type);
            h << "<p class=\"note\">每个市一幅" << xml_escape(out.type_name(type))
              << "地图; 其他类型用 <code>scicov map --type T --county CODE</code> 生成。</p>\n";
        }
        for (const auto& [prefix, type] : maps) {
            MapOptions m;
            m.type = type;
            m.county = cities.size() > 1 ? prefix : "";
            m.width_px = options.map_width_px;
            m.date = options.date;
            const std::vector<std::uint8_t> png = render_map(out, m, Format::png);
            h << "<figure><img alt=\"" << xml_escape(out.type_name(type)) << " " << xml_escape(prefix)
              << "\" src=\"data:image/png;base64," << base64(png) << "\"><figcaption>"
              << xml_escape(out.type_name(type)) << " (" << xml_escape(type) << ") · "
              << (m.county.empty() ? "全部县(市、区)" : "代码 " + xml_escape(prefix) + "xx")
              << " · 浅绿: 已覆盖村(社区), 浅橙: 未覆盖, 斜线: 覆盖缺口, 圆点: 规划新增 "
                 "(颜色按年份)</figcaption></figure>\n";
        }
    }
}

/// 六、The plan year by year, and sites per county.
void plan_section(std::ostream& h, const Output& out, bool has_plan) {
    h << "<h2 id=\"plan\">六、年度计划 Plan year by year</h2>\n";
    if (!has_plan) {
        h << "<p>本文件没有规划 (由 scicov analyze 生成); 运行 scicov plan 得到新增站点。</p>\n";
    } else {
        std::map<int, std::map<std::string, int>> by_year;
        for (const auto& s : out.sites) by_year[s.year][s.type]++;
        h << "<table id=\"plan-years\"><tr><th>年份<small>year</small></th>";
        for (const auto& type : out.types)
            h << "<th>" << xml_escape(out.type_name(type)) << "<small>" << xml_escape(type) << "</small></th>";
        h << "<th>合计<small>total</small></th><th>累计<small>cumulative</small></th></tr>\n";
        int cumulative = 0;
        for (const auto& [year, counts] : by_year) {
            int total = 0;
            h << "<tr><td>" << year << "</td>";
            for (const auto& type : out.types) {
                const auto it = counts.find(type);
                const int n = it == counts.end() ? 0 : it->second;
                total += n;
                h << "<td>" << (n ? std::to_string(n) : "") << "</td>";
            }
            cumulative += total;
            h << "<td>" << total << "</td><td>" << cumulative << "</td></tr>\n";
        }
        h << "</table>\n";
        // Sites per county and type: years of the first and last site.
        h << "<h3>各县新增站点 Sites per county</h3>\n<table id=\"plan-counties\"><tr><th "
             "class=\"l\">代码<small>code</small></th>"
          << "<th class=\"l\">名称<small>name</small></th>";
        for (const auto& type : out.types)
            h << "<th>" << xml_escape(out.type_name(type)) << "<small>sites (years)</small></th>";
        h << "</tr>\n";
        for (const auto& c : out.counties) {
            h << "<tr><td class=\"l\">" << xml_escape(c.code) << "</td><td class=\"l\">" << xml_escape(c.name)
              << "</td>";
            for (const auto& type : out.types) {
                int n = 0, y0 = 0, y1 = 0;
                for (const auto& s : out.sites) {
                    if (s.type != type || s.county_code != c.code) continue;
                    ++n;
                    y0 = y0 == 0 ? s.year : std::min(y0, s.year);
                    y1 = std::max(y1, s.year);
                }
                h << "<td>"
                  << (n == 0 ? "—"
                             : std::to_string(n) + " (" + std::to_string(y0) +
                                   (y1 != y0 ? "–" + std::to_string(y1) : "") + ")")
                  << "</td>";
            }
            h << "</tr>\n";
        }
        h << "</table>\n";
    }
}

/// 四、Travel-time types: minutes to the nearest facility per county (median, 90th percentile,
/// longest) and the villages beyond the limit or without a route.
void travel_time_section(std::ostream& h, const Output& out) {
    h << "<h2 id=\"travel-time\">四、出行时间 Travel time</h2>\n";
    if (out.travel_time_types.empty()) {
        h << "<p>本次分析没有按出行时间计的设施类型 (coverage = \"travel_time\")。</p>\n";
        return;
    }
    const auto limits = minute_limits(out);
    h << "<p class=\"note\">每个村(社区)代表点经道路到最近设施的分钟数 (time_&lt;type&gt;_min): "
         "中位数、第 90 百分位 (最近秩) 与最长值按有道路可达的村计; 超时村含无道路可达的村。</p>\n";
    for (const auto& type : out.travel_time_types) {
        const auto limit = limits.find(type);
        const std::optional<double> minutes = limit != limits.end() ? std::optional(limit->second) : std::nullopt;
        const std::string over = minutes ? "超过 " + fixed(*minutes, 0) + " 分钟" : "无道路可达";
        h << "<h3>" << xml_escape(out.type_name(type)) << " <small>" << xml_escape(type)
          << (minutes ? " · " + fixed(*minutes, 0) + " 分钟" : "")
          << "</small></h3>\n<table class=\"travel-time\" data-type=\"" << xml_escape(type)
          << "\"><tr><th class=\"l\">代码<small>code</small></th><th class=\"l\">名称<small>name</small></th>"
          << "<th>村数<small>villages</small></th><th>可达<small>routed</small></th>"
          << "<th>中位数 分钟<small>median_min</small></th><th>90% 分位 分钟<small>p90_min</small></th>"
          << "<th>最长 分钟<small>max_min</small></th><th>" << over << " 村数<small>villages_beyond</small></th>"
          << "<th>" << over << " 人口<small>people_beyond</small></th></tr>\n";
        for (const auto& c : out.counties) {
            const Minutes m = minutes_of(out, c.code, type, minutes);
            h << "<tr><td class=\"l\">" << xml_escape(c.code) << "</td><td class=\"l\">" << xml_escape(c.name)
              << "</td><td>" << m.villages << "</td><td>" << m.routed << "</td><td>"
              << (m.routed ? fixed(m.median, 1) : "—") << "</td><td>" << (m.routed ? fixed(m.p90, 1) : "—")
              << "</td><td>" << (m.routed ? fixed(m.max, 1) : "—") << "</td><td>" << m.beyond << "</td><td>"
              << thousands(m.people_beyond) << "</td></tr>\n";
        }
        h << "</table>\n";
    }
}

/// A number as the site list shows it: whole numbers without decimals, else `decimals`.
std::string number_text(double v, int decimals) {
    return v == std::floor(v) && std::abs(v) < 1e15 ? fixed(v, 0) : fixed(v, decimals);
}

template <typename Units>
std::string name_of(const Units& units, const std::string& code) {
    const auto it = std::lower_bound(units.begin(), units.end(), code,
                                     [](const auto& u, const std::string& c) { return u.code < c; });
    return it != units.end() && it->code == code ? it->name : std::string();
}

}  // namespace

namespace detail {

std::map<std::string, std::string> site_list_cells(const Output& out, const Output::Site& s, int no) {
    const std::string village = name_of(out.villages, s.village_code);
    return {{"no", std::to_string(no)},
            {"county_code", s.county_code},
            {"county", name_of(out.counties, s.county_code)},
            {"township", name_of(out.townships, s.township_code)},
            {"village", village},
            {"village_code", s.village_code},
            {"type", s.type_zh.empty() ? out.type_name(s.type) : s.type_zh},
            {"host_name", output::site_host_name(village, s.host_kind, s.candidate_id)},
            {"host_kind", s.host_kind},
            {"year", s.year > 0 ? std::to_string(s.year) : ""},
            {"beyond_horizon", s.beyond_horizon ? "远期" : ""},
            {"rank", std::to_string(s.rank)},
            {"people_new", number_text(s.gain_population, 1)},
            {"villages_new", number_text(s.gain_villages, 0)},
            {"cost", number_text(s.cost, 2)},
            {"lon", fixed(s.at.lon, 6)},
            {"lat", fixed(s.at.lat, 6)},
            {"id", s.id},
            {"candidate_id", s.candidate_id}};
}

}  // namespace detail

namespace {

/// 七、规划点位清单: every proposed site, in the columns and order of `plan --sites`.
void site_list_section(std::ostream& h, const Output& out, bool has_plan) {
    h << "<h2 id=\"site-list\">七、规划点位清单 Site list</h2>\n";
    if (!has_plan || out.sites.empty()) {
        h << "<p>" << (has_plan ? "规划没有新增点位。" : "无规划。") << "</p>\n";
        return;
    }
    h << "<p class=\"note\">与 <code>scicov plan --sites FILE.xlsx|.csv</code> 的列与顺序相同; "
         "依托场所名称为村(社区)名 + 场所类型; 远期: 规划期后建成。</p>\n"
      << "<div class=\"wide\"><table id=\"site-list\" class=\"site-list\"><tr>";
    const auto columns = output::site_list_columns();
    for (const auto& c : columns) {
        const bool text = c.kind == output::SiteListColumn::Kind::text;
        h << "<th" << (text ? " class=\"l\"" : "") << ">" << c.zh << "<small>" << c.key << "</small></th>";
    }
    h << "</tr>\n";
    // As plan.sites: by the rules' order of types (out.types), county, rank.
    const auto type_rank = [&](const std::string& t) { return std::find(out.types.begin(), out.types.end(), t); };
    std::vector<const Output::Site*> order;
    for (const auto& s : out.sites) order.push_back(&s);
    std::stable_sort(order.begin(), order.end(), [&](const Output::Site* a, const Output::Site* b) {
        return std::tuple(type_rank(a->type), a->county_code, a->rank) <
               std::tuple(type_rank(b->type), b->county_code, b->rank);
    });
    int no = 0;
    for (const Output::Site* site : order) {
        const auto& s = *site;
        const auto cells = detail::site_list_cells(out, s, ++no);
        h << "<tr>";
        for (const auto& c : columns) {
            const auto it = cells.find(std::string(c.key));
            const bool text = c.kind == output::SiteListColumn::Kind::text;
            h << "<td" << (text ? " class=\"l\"" : "") << ">" << xml_escape(it == cells.end() ? "" : it->second)
              << "</td>";
        }
        h << "</tr>\n";
    }
    h << "</table></div>\n";
}

/// 八、Coverage vs sites: the plan's population share by site count, and budget sweeps per county.
void curve_section(std::ostream& h, const Output& out, bool has_plan) {
    h << "<h2 id=\"curve\">八、覆盖率与站点数 Coverage vs sites</h2>\n";
    if (!has_plan) {
        h << "<p>无规划。</p>\n";
    } else {
        h << "<p class=\"note\">人口覆盖率随新增站点数的变化: 站点按年份与建设顺序累加各自的新增覆盖人口 "
             "(gain_population); "
             "有 max_cover 预算扫描 (plan --budget TYPE=1..N) 时按县另绘其曲线。</p>\n<div class=\"pair\">\n";
        for (const auto& type : out.types) {
            std::vector<const Output::Site*> order;
            for (const auto& s : out.sites) {
                if (s.type == type) order.push_back(&s);
            }
            if (order.empty()) continue;
            std::stable_sort(order.begin(), order.end(), [](auto* a, auto* b) {
                return std::tie(a->year, a->county_code, a->rank) < std::tie(b->year, b->county_code, b->rank);
            });
            const Totals t = totals(out, type);
            std::vector<std::pair<double, double>> pts;
            double covered = t.pop_cov;
            pts.emplace_back(0, t.population > 0 ? covered / t.population : 0);
            for (std::size_t i = 0; i < order.size(); ++i) {
                covered += order[i]->gain_population;
                pts.emplace_back(double(i + 1), t.population > 0 ? std::min(1.0, covered / t.population) : 0);
            }
            std::vector<std::pair<std::string, std::vector<std::pair<double, double>>>> series = {{"全部 all", pts}};
            // Budget sweeps (model max_cover): share after per budget, per county.
            std::map<std::string, std::vector<std::pair<double, double>>> sweep;
            for (const auto& row : out.plan_summary) {
                const auto get = [&row](const char* k) {
                    const auto it = row.find(k);
                    return it == row.end() ? std::string() : it->second;
                };
                if (get("type") != type || get("model") != "max_cover" || get("share_after").empty()) continue;
                const std::string budget = get("budget").empty() ? get("sites") : get("budget");
                sweep[get("county_code")].emplace_back(std::atof(budget.c_str()),
                                                       std::atof(get("share_after").c_str()));
            }
            for (auto& [county, p] : sweep) {
                std::sort(p.begin(), p.end());
                series.emplace_back("max_cover " + county, p);
            }
            h << "<div>"
              << line_chart(out.type_name(type) + " 人口覆盖率", "新增站点数 sites (按年份)", series, std::nullopt)
              << "</div>\n";
        }
        h << "</div>\n";
    }
}

/// A plan with equalisation (the urban_rural table): per county, the gap before the plan, at the end
/// of each year with new sites in the county and after it.
void urban_rural_by_stage(std::ostream& h, const Output& out, const std::string& type) {
    const auto share = [](const Output::Row& row, const char* key) -> std::optional<double> {
        const auto it = row.find(key);
        if (it == row.end()) return std::nullopt;
        return std::stod(it->second);
    };
    bool open = false;
    for (const auto& row : out.urban_rural) {
        if (row.at("type") != type) continue;
        if (!open) {
            h << "<table class=\"urban-rural-stages\" data-type=\"" << xml_escape(type)
              << "\"><tr><th class=\"l\">代码<small>code</small></th><th class=\"l\">阶段<small>stage</small></th>"
              << "<th>社区 urban</th><th>村 rural</th><th>差<small>urban − rural</small></th></tr>\n";
            open = true;
        }
        const std::string& stage = row.at("stage");
        const std::string when = stage == "before"  ? "规划前 before"
                                 : stage == "after" ? "规划后 after"
                                                    : row.at("year") + " 年末 end of year";
        const auto gap = share(row, "gap_pp");
        h << "<tr data-stage=\"" << xml_escape(stage) << "\"><td class=\"l\">" << xml_escape(row.at("county_code"))
          << "</td><td class=\"l\">" << xml_escape(when) << "</td><td>" << opt_pct(share(row, "urban_share"))
          << "</td><td>" << opt_pct(share(row, "rural_share")) << "</td><td>" << (gap ? fixed(*gap, 1) + " pp" : "—")
          << "</td></tr>\n";
    }
    if (open) h << "</table>\n";
}

/// 九、Urban (社区) vs rural (村) coverage per county (POLICY 003).
void urban_rural_section(std::ostream& h, const Output& out) {
    h << "<h2 id=\"equalisation\">九、城乡均等化 Urban (社区) vs rural (村)</h2>\n"
      << "<p class=\"note\">POLICY 003 (牡丹区): 推动科普公共服务均等化 — 社区 (城镇) 与村 (农村) 的覆盖并列。</p>\n";
    for (const auto& type : out.types) {
        h << "<h3>" << xml_escape(out.type_name(type)) << "</h3>\n<table class=\"urban-rural\" data-type=\""
          << xml_escape(type)
          << "\"><tr><th class=\"l\">代码<small>code</small></th><th class=\"l\">名称<small>name</small></th>"
          << "<th class=\"l\">社区 urban<small>share_urban_" << xml_escape(type)
          << "</small></th><th class=\"l\">村 rural<small>share_rural_" << xml_escape(type)
          << "</small></th><th>差<small>urban − rural</small></th></tr>\n";
        for (const auto& c : out.counties) {
            // A county without communities (or without villages) has no urban (rural) share to show.
            const auto u = value(c, "urban_villages").value_or(1) > 0 ? value(c, "share_urban_" + type) : std::nullopt;
            const auto r = value(c, "rural_villages").value_or(1) > 0 ? value(c, "share_rural_" + type) : std::nullopt;
            const auto bar = [](const std::optional<double>& v, const char* cls) {
                if (!v) return std::string("— <small>(无 none)</small>");
                return "<span class=\"bar" + std::string(cls) +
                       "\" style=\"width:" + fixed(std::clamp(*v, 0.0, 1.0) * 120, 0) + "px\"></span>" + pct(*v);
            };
            h << "<tr><td class=\"l\">" << xml_escape(c.code) << "</td><td class=\"l\">" << xml_escape(c.name)
              << "</td><td class=\"l\">" << bar(u, "") << "</td><td class=\"l\">" << bar(r, " r") << "</td><td>"
              << (u && r ? fixed((*u - *r) * 100, 1) + " pp" : "—") << "</td></tr>\n";
        }
        h << "</table>\n";
        urban_rural_by_stage(h, out, type);
    }
}

/// 十、The inputs and rules of the run, and the solver's rows.
void run_section(std::ostream& h, const Output& out) {
    h << "<h2 id=\"run\">十、输入与规则 Inputs and rules</h2>\n<table id=\"run-table\"><tr><th class=\"l\">key</th><th "
         "class=\"l\">value</th></tr>\n";
    for (const auto& [k, v] : out.run) {
        h << "<tr><td class=\"l\"><code>" << xml_escape(k) << "</code></td><td class=\"l\">";
        if (v.find('\n') != std::string::npos) {
            h << "<pre>" << xml_escape(v) << "</pre>";
        } else {
            h << xml_escape(v);
        }
        h << "</td></tr>\n";
    }
    h << "</table>\n";
    if (!out.plan_summary.empty()) {
        h << "<h3>求解 Solver (plan_summary)</h3>\n<table id=\"plan-summary\"><tr>";
        const std::vector<std::string> cols = {"county_code", "type",         "model",       "status",
                                               "method",      "sites",        "objective",   "bound",
                                               "gap",         "share_before", "share_after", "year_met"};
        for (const auto& c : cols) h << "<th class=\"l\">" << c << "</th>";
        h << "</tr>\n";
        for (const auto& row : out.plan_summary) {
            h << "<tr>";
            for (const auto& c : cols) {
                const auto it = row.find(c);
                std::string v = it == row.end() ? "" : it->second;
                if ((c == "share_before" || c == "share_after") && !v.empty()) v = pct(std::atof(v.c_str()));
                h << "<td class=\"l\">" << xml_escape(v) << "</td>";
            }
            h << "</tr>\n";
        }
        h << "</table>\n";
    }
    h << "<p class=\"note\">scicov · 边界为示意, 不作为权属争议依据 · 打印为 PDF: 浏览器 打印 → 另存为 "
         "PDF。</p>\n</body>\n</html>\n";
}

}  // namespace

std::string render_report(const Output& out, const ReportOptions& options) {
    std::ostringstream h;
    const bool has_plan = !out.plan_summary.empty() || !out.sites.empty();
    head_section(h, out, options);
    brief_section(h, out);
    summary_section(h, out);
    county_tables(h, out);
    travel_time_section(h, out);
    maps_section(h, out, options);
    plan_section(h, out, has_plan);
    site_list_section(h, out, has_plan);
    curve_section(h, out, has_plan);
    urban_rural_section(h, out);
    run_section(h, out);
    return h.str();
}

void write_report(const Output& out, const ReportOptions& options, const std::filesystem::path& file) {
    core::write_file_atomically(file, render_report(out, options));
}

}  // namespace scicov::report
