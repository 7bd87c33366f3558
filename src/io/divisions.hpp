// The division-code table embedded in the library (cmake/Divisions.cmake generates its
// definition from geodata/divisions.tsv.gz at build time), and which names mark ethnic areas.
#pragma once

#include <cstddef>
#include <string_view>

#include "scicov/io.hpp"

namespace scicov::io::detail {

/// The gzip bytes of geodata/divisions.tsv.gz.
std::string_view division_table_gz();

/// Whether the name of a division of `digits` code digits (2 province, 4 prefecture, 6 county,
/// 9 township) marks an ethnic autonomous area or an ethnic township (docs/divisions.md).
bool is_ethnic_name(std::string_view name, std::size_t digits);

/// read_inputs, naming units from `table` (the analysis parses the embedded table once, for
/// this and for assign_priority).
model::Inputs read_inputs(const ReadOptions& options, const DivisionTable& table, Diagnostics& diagnostics,
                          const Reporter& reporter);

}  // namespace scicov::io::detail
