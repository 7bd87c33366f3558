// Work spread over the cores: items handed out in order to a fixed set of threads, each with its
// own worker state (a GEOS context, PROJ transformers), the first exception stopping the rest.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

namespace scicov::core {

/// Threads to use for `items` pieces of work: `requested`, or one per core when 0, never more
/// than there are items, at least one.
inline unsigned thread_count(unsigned requested, std::size_t items) {
    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    const unsigned wanted = requested != 0 ? requested : cores;
    return static_cast<unsigned>(std::max<std::size_t>(1, std::min<std::size_t>(wanted, items)));
}

/// The order to hand out n jobs in: largest first (by size(j)), ties by index, so that no big
/// job starts last and leaves the other cores idle.
template <class Size>
std::vector<std::size_t> largest_first(std::size_t n, Size size) {
    std::vector<std::size_t> order(n);
    for (std::size_t j = 0; j < n; ++j) order[j] = j;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return size(a) > size(b); });
    return order;
}

/// Calls worker(i) for every i in [0, n) on `threads` threads (see thread_count). Each thread
/// makes its own worker with make_worker(). The calling thread works too and calls progress(done)
/// after each of its items, so progress is only ever reported from the caller's thread. Results
/// must go to slots indexed by i, which keeps them independent of the scheduling.
template <class MakeWorker, class Progress>
void parallel_for(std::size_t n, unsigned threads, MakeWorker make_worker, Progress progress) {
    std::atomic<std::size_t> next{0}, done{0};
    std::mutex failure_mutex;
    std::exception_ptr failure;
    auto run = [&](bool report) {
        try {
            auto worker = make_worker();
            for (std::size_t i; (i = next++) < n;) {
                worker(i);
                const std::size_t finished = ++done;
                if (report) progress(finished);
            }
        } catch (...) {
            std::lock_guard lock(failure_mutex);
            if (!failure) failure = std::current_exception();
            next = n;
        }
    };
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < thread_count(threads, n); ++t) pool.emplace_back(run, false);
    run(true);
    for (auto& t : pool) t.join();
    if (failure) std::rethrow_exception(failure);
}

/// parallel_for over [0, n) in ranges of `chunk` items, for cheap items: each thread's worker
/// (from make_worker()) is called as worker(begin, end) with begin a multiple of `chunk`.
template <class MakeWorker>
void parallel_for_ranges(std::size_t n, std::size_t chunk, unsigned threads, MakeWorker make_worker) {
    parallel_for((n + chunk - 1) / chunk, threads,
                 [&] {
                     return [&, worker = make_worker()](std::size_t c) mutable {
                         worker(c * chunk, std::min(n, (c + 1) * chunk));
                     };
                 },
                 [](std::size_t) {});
}

/// Runs `here` on the calling thread and `side` beside it on a thread of its own when `threads`
/// allows two (0: one per core), else `here` then `side`; returns when both are done. Results
/// go where each writes them (their own slots), so they do not depend on which way it ran. An
/// exception from `here` waits for `side` before it leaves.
template <class Here, class Side>
void beside(unsigned threads, Here here, Side side) {
    if (thread_count(threads, 2) < 2) {
        here();
        side();
        return;
    }
    std::future<void> other = std::async(std::launch::async, side);
    here();  // on an exception, `other`'s destructor waits for side
    other.get();
}

}  // namespace scicov::core
