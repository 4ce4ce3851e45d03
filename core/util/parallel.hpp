#pragma once
// A minimal parallel loop: `threads` workers take indexes from a shared counter. The first
// exception thrown by `body` stops the loop and is rethrown in the caller.
#include <cstddef>
#include <functional>

namespace mps {

// parallel_for: call body(i) for every i in [0, count), on up to `threads` threads.
void parallel_for(std::size_t count, unsigned threads,
                  const std::function<void(std::size_t)>& body);

// default_thread_count: hardware threads, at least 2 (hashing overlaps I/O), at most 16.
unsigned default_thread_count();

}  // namespace mps
