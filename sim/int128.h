#pragma once
// 128-bit integers for exact intermediate products (drift, unbiased bounded draws). A GCC
// extension; __extension__ keeps -Wpedantic quiet about it.

namespace sim {
__extension__ typedef __int128 Int128;
__extension__ typedef unsigned __int128 UInt128;
}  // namespace sim
