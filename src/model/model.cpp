#include "scicov/model.hpp"

namespace scicov::model {

Settlement settlement_of(std::string_view name) {
    // 社区居民委员会, 居委会 and 社区 are urban; 村民委员会 / 村委会 / …村 are rural.
    if (name.find("社区") != std::string_view::npos || name.find("居委会") != std::string_view::npos ||
        name.find("居民委员会") != std::string_view::npos) {
        return Settlement::community;
    }
    return Settlement::village;
}

}  // namespace scicov::model
