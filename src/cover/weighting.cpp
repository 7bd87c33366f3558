// Full cover with equal costs (fewest sites), no groups or conflicts: row-weighting local search
// in the style of RWLS (Gao, Weise & Li 2015, "An efficient local search heuristic with row
// weighting for the unicost set covering problem", EJOR 246).
//
// Each row i has a weight w_i ≥ 1. A column's score is what its flip would change in the
// weight of the uncovered rows: for j ∉ S, Σ w_i over the rows only j would cover (all
// uncovered); for j ∈ S, −Σ w_i over the rows j alone covers. Every time S covers all rows it
// is recorded and its least useful column dropped, so the search always works one column below
// the best cover found. A step swaps one column out and one in:
//   - out: the chosen column of highest score (ties: the one flipped longest ago), not the one
//     added the step before (tabu);
//   - in: a random uncovered row, and among its columns the one of highest score (ties: oldest)
//     whose configuration changed since it was last removed (configuration checking: a column
//     may come back only after one of its neighbours, a column sharing a row, was flipped);
//   - the uncovered rows' weights go up by one, so rows that stay uncovered pull ever harder.
// Deterministic: a fixed step count, a seeded generator and index-order scans; the deadline only
// stops a run early on a slow machine.
#include <algorithm>
#include <random>

#include "cover/detail.hpp"

namespace scicov::cover::detail {

namespace {

class Weighting {
public:
    explicit Weighting(const Reduced& r)
        : m_r(r),
          m_cnt(static_cast<std::size_t>(r.n_dem()), 0),
          m_w(static_cast<std::size_t>(r.n_dem()), 1),
          m_open_at(static_cast<std::size_t>(r.n_dem()), -1),
          m_in(static_cast<std::size_t>(r.n_cand()), 0),
          m_score(static_cast<std::size_t>(r.n_cand()), 0),
          m_flipped(static_cast<std::size_t>(r.n_cand()), 0),
          m_can_add(static_cast<std::size_t>(r.n_cand()), 1),
          m_mark(static_cast<std::size_t>(r.n_cand()), -1) {
        neighbours();
        for (std::int32_t i = 0; i < r.n_dem(); ++i) open(i);
        for (std::int32_t j = 0; j < r.n_cand(); ++j) m_score[static_cast<std::size_t>(j)] = r.cover.degree(j);
    }

    void add(std::int32_t j, std::int64_t step) {
        const auto uj = static_cast<std::size_t>(j);
        m_score[uj] = -m_score[uj];
        m_in[uj] = 1;
        m_chosen.push_back(j);
        m_flipped[uj] = step;
        for (auto k = m_r.cover.begin(j); k < m_r.cover.end(j); ++k) {
            const auto i = m_r.cover.items[static_cast<std::size_t>(k)];
            const auto ui = static_cast<std::size_t>(i);
            if (m_cnt[ui] == 0) {  // j alone covers i now: the others no longer gain it
                for_columns(i, [&](std::int32_t c) {
                    if (c != j) m_score[static_cast<std::size_t>(c)] -= m_w[ui];
                });
                close(i);
            } else if (m_cnt[ui] == 1) {  // its one cover loses nothing by leaving any more
                for_columns(i, [&](std::int32_t c) {
                    if (c != j && m_in[static_cast<std::size_t>(c)]) m_score[static_cast<std::size_t>(c)] += m_w[ui];
                });
            }
            ++m_cnt[ui];
        }
        for (auto c : m_adjacent[uj]) m_can_add[static_cast<std::size_t>(c)] = 1;
    }

    void remove(std::int32_t j, std::int64_t step) {
        const auto uj = static_cast<std::size_t>(j);
        m_score[uj] = -m_score[uj];
        m_in[uj] = 0;
        m_chosen.erase(std::find(m_chosen.begin(), m_chosen.end(), j));
        m_flipped[uj] = step;
        for (auto k = m_r.cover.begin(j); k < m_r.cover.end(j); ++k) {
            const auto i = m_r.cover.items[static_cast<std::size_t>(k)];
            const auto ui = static_cast<std::size_t>(i);
            --m_cnt[ui];
            if (m_cnt[ui] == 0) {  // i is open again: every other column would gain it
                for_columns(i, [&](std::int32_t c) {
                    if (c != j) m_score[static_cast<std::size_t>(c)] += m_w[ui];
                });
                open(i);
            } else if (m_cnt[ui] == 1) {  // its last cover would now lose it
                for_columns(i, [&](std::int32_t c) {
                    if (m_in[static_cast<std::size_t>(c)]) m_score[static_cast<std::size_t>(c)] -= m_w[ui];
                });
            }
        }
        for (auto c : m_adjacent[uj]) m_can_add[static_cast<std::size_t>(c)] = 1;
        m_can_add[uj] = 0;
    }

    /// The chosen column to drop: highest score, then flipped longest ago, never `tabu`.
    std::int32_t worst_chosen(std::int32_t tabu) const {
        std::int32_t best = -1;
        for (auto j : m_chosen) {
            if (j == tabu) continue;
            if (best < 0 || better(j, best)) best = j;
        }
        return best;
    }

    /// The column to cover open row i with: highest score, then flipped longest ago, among the
    /// columns allowed back; any of its columns when none is.
    std::int32_t best_for(std::int32_t i) const {
        std::int32_t best = -1, any = -1;
        for_columns(i, [&](std::int32_t c) {
            if (any < 0 || better(c, any)) any = c;
            if (m_can_add[static_cast<std::size_t>(c)] && (best < 0 || better(c, best))) best = c;
        });
        return best >= 0 ? best : any;
    }

    /// Every open row weighs one more.
    void raise_open_weights() {
        for (auto i : m_open) {
            ++m_w[static_cast<std::size_t>(i)];
            for_columns(i, [&](std::int32_t c) { ++m_score[static_cast<std::size_t>(c)]; });
        }
    }

    const std::vector<std::int32_t>& open_rows() const { return m_open; }
    const std::vector<std::int32_t>& chosen() const { return m_chosen; }
    bool in(std::int32_t j) const { return m_in[static_cast<std::size_t>(j)] != 0; }

private:
    bool better(std::int32_t a, std::int32_t b) const {
        const auto sa = m_score[static_cast<std::size_t>(a)], sb = m_score[static_cast<std::size_t>(b)];
        if (sa != sb) return sa > sb;
        const auto fa = m_flipped[static_cast<std::size_t>(a)], fb = m_flipped[static_cast<std::size_t>(b)];
        if (fa != fb) return fa < fb;
        return a < b;
    }

    template <class F>
    void for_columns(std::int32_t i, F&& f) const {
        for (auto k = m_r.covered_by.begin(i); k < m_r.covered_by.end(i); ++k)
            f(m_r.covered_by.items[static_cast<std::size_t>(k)]);
    }

    void open(std::int32_t i) {
        m_open_at[static_cast<std::size_t>(i)] = static_cast<std::int32_t>(m_open.size());
        m_open.push_back(i);
    }
    void close(std::int32_t i) {
        const auto at = static_cast<std::size_t>(m_open_at[static_cast<std::size_t>(i)]);
        m_open[at] = m_open.back();
        m_open_at[static_cast<std::size_t>(m_open[at])] = static_cast<std::int32_t>(at);
        m_open.pop_back();
        m_open_at[static_cast<std::size_t>(i)] = -1;
    }

    /// Columns sharing a row with each column (without itself), sorted.
    void neighbours() {
        m_adjacent.resize(static_cast<std::size_t>(m_r.n_cand()));
        for (std::int32_t j = 0; j < m_r.n_cand(); ++j) {
            auto& adj = m_adjacent[static_cast<std::size_t>(j)];
            for (auto k = m_r.cover.begin(j); k < m_r.cover.end(j); ++k)
                for_columns(m_r.cover.items[static_cast<std::size_t>(k)], [&](std::int32_t c) {
                    if (c != j && m_mark[static_cast<std::size_t>(c)] != j) {
                        m_mark[static_cast<std::size_t>(c)] = j;
                        adj.push_back(c);
                    }
                });
            std::sort(adj.begin(), adj.end());
        }
    }

    const Reduced& m_r;
    std::vector<std::int32_t> m_cnt;      ///< chosen columns covering each row
    std::vector<std::int64_t> m_w;        ///< row weights
    std::vector<std::int32_t> m_open_at;  ///< position in m_open, −1 when covered
    std::vector<std::int32_t> m_open;     ///< uncovered rows
    std::vector<std::uint8_t> m_in;
    std::vector<std::int32_t> m_chosen;
    std::vector<std::int64_t> m_score;
    std::vector<std::int64_t> m_flipped;  ///< step of the last flip
    std::vector<std::uint8_t> m_can_add;  ///< configuration checking
    std::vector<std::int32_t> m_mark;
    std::vector<std::vector<std::int32_t>> m_adjacent;
};

}  // namespace

std::vector<std::int32_t> weighting_set_cover(const Reduced& r, std::vector<std::int32_t> cover, int seed,
                                              std::int64_t steps, const Deadline& deadline) {
    std::sort(cover.begin(), cover.end());
    if (r.n_dem() == 0 || !must_covered(r, cover)) return cover;
    Weighting s(r);
    for (auto j : cover) s.add(j, 0);
    std::vector<std::int32_t> best = cover;
    std::mt19937_64 rng(static_cast<std::uint64_t>(seed) * 0x9E3779B97F4A7C15ULL + 1);
    std::int32_t tabu = -1;
    for (std::int64_t step = 1; step <= steps; ++step) {
        while (s.open_rows().empty()) {  // a cover: keep it if smaller, then work one column below it
            if (s.chosen().size() < best.size()) {
                best = s.chosen();
                std::sort(best.begin(), best.end());
            }
            if (s.chosen().empty()) return best;
            s.remove(s.worst_chosen(-1), step);
        }
        if ((step & 255) == 0 && deadline.expired()) break;
        const auto out = s.worst_chosen(tabu);
        if (out >= 0) s.remove(out, step);
        const auto& open = s.open_rows();
        const auto row = open[static_cast<std::size_t>(rng() % open.size())];
        const auto in = s.best_for(row);
        if (in < 0) break;  // a row no column covers: not a cover problem this search can help
        s.add(in, step);
        tabu = in;
        s.raise_open_weights();
    }
    return best;
}

}  // namespace scicov::cover::detail
