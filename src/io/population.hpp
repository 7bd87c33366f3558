// Villages' population from a layer of its own (--layer population=…): a raster of people per
// cell (WorldPop, GHS-POP) summed over each village, or a table joined by village code.
// Internal to io; read_inputs calls read_population after reading the villages.
#pragma once

#include <string>
#include <vector>

#include <gdal_priv.h>

#include "scicov/core.hpp"
#include "scicov/io.hpp"
#include "scicov/model.hpp"

namespace scicov::io::detail {

/// Up to ten codes, comma-separated, then "…" when there are more: the villages a message names.
std::string listed_codes(const std::vector<std::string>& codes);

/// True when the population comes from its own layer (--layer population=…), not a village field.
bool population_layer_given(const ReadOptions& options);

/// Sets every village's population from the population layer the options name: a raster
/// (population_from_raster) when GDAL opens the file as one, else a table joined by code
/// (population_from_table). Problems in the data go to `diag`.
void read_population(const ReadOptions& options, std::vector<model::Village>& villages, Diagnostics& diag,
                     const Reporter& reporter);

/// Each village's population: the sum of the raster's first band over the village, a cell wholly
/// inside counting whole and a cell on the edge by the share of its area inside the village
/// (GEOS, in the raster's CRS). Cells GDAL masks (nodata, alpha) and NaN count as 0 people. A
/// village wholly outside the raster is an error; one partly outside a warning (the part
/// outside counts 0). A negative value in a cell that counts is an error.
void population_from_raster(GDALDataset& raster, const std::string& name, const ReadOptions& options,
                            std::vector<model::Village>& villages, Diagnostics& diag, const Reporter& reporter);

}  // namespace scicov::io::detail
