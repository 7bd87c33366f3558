// The full-cover dispatch: which exact method goes first, by the size of the reduced model.
//
// Measured on the uniform benchmark instances (tools/bench/plan_vs_pulp.py): on 2,000 × 500 and
// 5,000 × 1,000 CBC alone proves the optimum in well under a second, and the Lagrangian
// heuristic, local search and LNS that the large path runs first cost more than that (issue #16:
// 1.7 s against PuLP + CBC's 0.73 s). On 10,000 × 2,000 CBC alone stalls for minutes and the
// Lagrangian path finds better covers. The threshold is on the reduced model's nonzeros (the
// size of CBC's root LP and of its cuts), with the candidates as a second guard.
#include "cover/detail.hpp"

namespace scicov::cover::detail {

namespace {

/// Nonzeros of the covering rows up to which CBC goes first (5,000 × 1,000 has ~60,000).
constexpr std::int64_t k_cbc_first_nonzeros = 100000;
/// Candidates up to which CBC goes first.
constexpr std::int32_t k_cbc_first_candidates = 1500;

}  // namespace

FullCoverPath full_cover_path(const Reduced& r) {
    const auto nonzeros = static_cast<std::int64_t>(r.covered_by.items.size());
    if (nonzeros <= k_cbc_first_nonzeros && r.n_cand() <= k_cbc_first_candidates) return FullCoverPath::cbc_first;
    return FullCoverPath::lagrangian_first;
}

}  // namespace scicov::cover::detail
