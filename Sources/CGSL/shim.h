// Swift's view of the GNU Scientific Library.
//
// HAVE_INLINE makes GSL's small sampling functions (gsl_rng_uniform, gsl_rng_uniform_int)
// inline, about 40% faster on the hot path. The generator types are C globals, which Swift 6
// rejects as shared mutable state; the accessors below return them instead.
#ifndef TANGLESIM_CGSL_SHIM_H
#define TANGLESIM_CGSL_SHIM_H

#define HAVE_INLINE 1
#include <gsl/gsl_errno.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

static inline const gsl_rng_type *cgsl_rng_taus2(void) { return gsl_rng_taus2; }
static inline const gsl_rng_type *cgsl_rng_mt19937(void) { return gsl_rng_mt19937; }

// Not GSL: a read prefetch, which Swift cannot express. The end-of-run judging reads each
// transaction's first approver's issue time, a few thousand transactions ahead.
static inline void tanglesim_prefetch(const void *address) { __builtin_prefetch(address, 0, 3); }

#endif
