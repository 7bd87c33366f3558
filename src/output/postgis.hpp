// The PostGIS output (docs/postgis.md): internal header of the output module. A run whose target is
// a "PG:" connection is written to a staging GeoPackage as usual; commit copies it into one schema
// in one PostgreSQL transaction.
#pragma once

#include <array>
#include <filesystem>
#include <string>

#include "core/gdal.hpp"

namespace scicov::output::detail {

/// Where a PostGIS output goes.
struct PostgisTarget {
    std::string connection;  ///< "PG:…" as given
    std::string schema;      ///< an existing schema
};

/// Every table a run can write. A run replaces all of them: those it does not write (proposed_sites
/// after a plan, when an analyze follows) are dropped, so the schema always holds one run.
inline constexpr std::array<const char*, 10> k_postgis_tables = {
    "villages", "townships",      "counties",     "facilities",   "service_areas",
    "gaps",     "proposed_sites", "plan_summary", "plan_horizon", "run"};

/// The GeoPackage the writer fills: the target itself, or for a "PG:" target a staging file in the
/// system's temporary folder (removed with the writer; never committed).
std::filesystem::path staging_path(const std::filesystem::path& target);

/// The connection string with any password hidden, for messages.
std::string redacted(const std::string& connection);

/// Copies every layer of the complete staging GeoPackage (fields, FIDs, geometries, the Chinese
/// aliases as column comments) and its layer_styles rows into the target, in one transaction: the
/// earlier run's tables are dropped and the new ones created inside it, so other sessions see the
/// old tables until the commit and a failure or a killed process leaves the schema as it was.
void write_postgis(gdal::Dataset& staging, const PostgisTarget& target);

}  // namespace scicov::output::detail
