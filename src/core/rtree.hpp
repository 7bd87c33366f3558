// Boost.Geometry R-tree types shared by the coverage and gaps modules (internal header).
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>

#include <boost/geometry.hpp>
#include <boost/geometry/index/rtree.hpp>

namespace scicov::core {

namespace bg = boost::geometry;
namespace bgi = boost::geometry::index;

using Point2 = bg::model::point<double, 2, bg::cs::cartesian>;
using Box2 = bg::model::box<Point2>;
using Point3 = bg::model::point<double, 3, bg::cs::cartesian>;
using Box3 = bg::model::box<Point3>;

template <class Value>
using RTree = bgi::rtree<Value, bgi::rstar<16>>;

}  // namespace scicov::core
