// scicov::model: what the codes and names themselves imply.
#include <catch2/catch.hpp>

#include <string>

#include "scicov/model.hpp"

using namespace scicov;
using model::Settlement;

TEST_CASE("model: settlement_of tells a community (社区, 居委会) from a village (村) by its name") {
    // urban: 社区居民委员会, 社区居委会, 居委会 and 居民委员会 in any form, or a bare 社区
    CHECK(model::settlement_of("城关社区居民委员会") == Settlement::community);
    CHECK(model::settlement_of("多福巷社区居委会") == Settlement::community);
    CHECK(model::settlement_of("多福巷社区") == Settlement::community);
    CHECK(model::settlement_of("东大街居委会") == Settlement::community);
    CHECK(model::settlement_of("矿区居民委员会") == Settlement::community);
    // rural: 村民委员会, 村委会, …村, and names without either marker
    CHECK(model::settlement_of("东村村民委员会") == Settlement::village);
    CHECK(model::settlement_of("王家村委会") == Settlement::village);
    CHECK(model::settlement_of("王家村") == Settlement::village);
    CHECK(model::settlement_of("红旗农场") == Settlement::village);
    CHECK(model::settlement_of("") == Settlement::village);
    // a 社 or 居 that is part of a name is not a community
    CHECK(model::settlement_of("新社村民委员会") == Settlement::village);
    CHECK(model::settlement_of("居民点村委会") == Settlement::village);
}

TEST_CASE("model: division codes nest by prefix") {
    const std::string village = "510402001002";
    CHECK(village.size() == model::k_village_digits);
    CHECK(model::code_prefix(village, model::k_township_digits) == "510402001");
    CHECK(model::code_prefix(village, model::k_county_digits) == "510402");
    CHECK(model::code_prefix("510402", model::k_township_digits) == "510402");  // shorter: unchanged
    CHECK(model::k_county_digits < model::k_township_digits);
    CHECK(model::k_township_digits < model::k_village_digits);
}
