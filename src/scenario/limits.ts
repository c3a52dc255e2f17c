//! Upper bounds of scenario numbers: Flink's own where it has one, else documented ones that
//! keep every run within memory and every number finite and exact.

/**
 * Largest parallelism of a vertex: Flink caps a vertex's max parallelism at 2^15
 * (`KeyGroupRangeAssignment.UPPER_BOUND_MAX_PARALLELISM`), and its parallelism cannot exceed that.
 */
export const MAX_PARALLELISM = 32768;

/** Largest value of an option Flink reads as a Java int. */
export const MAX_INT = 2 ** 31 - 1;

/** Most slots of one TaskManager: more than the largest parallelism would never all be used. */
export const MAX_SLOTS_PER_TASK_MANAGER = MAX_PARALLELISM;

/** Most CPU cores of one slot or of the JobManager. */
export const MAX_CPU = 1_000_000;

/** Most keys of a Zipf skew: each vertex decision spreads every key once. */
export const MAX_SKEW_KEYS = 1_000_000;

/**
 * Largest jitter sigma: the log-normal factor's spread grows as e^(sigma^2), so at 10 the median
 * attempt already takes e^-50 of the mean; larger values only overflow.
 */
export const MAX_JITTER_SIGMA = 10;

/** Largest price per GiB: large enough for any currency, small enough that costs stay finite. */
export const MAX_PRICE = 1e9;
