// The HTML report's parts that its unit test checks on their own.
#pragma once

#include <map>
#include <string>

#include "scicov/report.hpp"

namespace scicov::report::detail {

/// One row of the report's 规划点位清单 by the key of each of output::site_list_columns(): the
/// same cells as `plan --sites`, made from the output GeoPackage (names from its layers).
std::map<std::string, std::string> site_list_cells(const Output& out, const Output::Site& site, int no);

}  // namespace scicov::report::detail
