//! Fitting one vertex's `fixed` and `rate` to measured subtask durations.
//!
//! Each point is one subtask of one run (or, when only vertex-level numbers exist, one vertex of one
//! run with its per-subtask average): its input bytes b, measured duration d and the model's I/O
//! time for it. The duration is fitted as d = fixed + b / rate (the model overlaps I/O with the
//! CPU, so while the CPU is the bottleneck that is its time; see io-time.ts):
//! - by least squares when the inputs differ enough to tell a slope from an intercept (the largest
//!   input at least {@link MIN_SPREAD} times the smallest: runs at several sizes, or skewed subtasks),
//!   weighted by 1 / d^2 so that relative errors count: jitter multiplies a time, so a large run's
//!   noise is large in seconds and would otherwise swamp the small runs that tell the fixed time;
//!   a negative intercept becomes fixed 0 with the line through the origin, and a slope <= 0
//!   (time does not grow with bytes) becomes an unlimited rate with the weighted mean as `fixed`;
//! - otherwise, when Flink reported busy, idle and backpressured time for every subtask, the time
//!   outside them (deploying, initializing) is `fixed` and the rest goes to the rate;
//! - otherwise one size cannot separate the two: fixed 0 and all the time on the rate.
//! The spread of ln(d / predicted d) across points is the jitter sigma (the simulator multiplies a
//! subtask's time by a log-normal factor of mean one).

/** The fitted byte time must be this much below the I/O time to count as I/O bound (against noise). */
const IO_SLACK = 0.95;

/** Inputs this many times apart let least squares separate fixed time from throughput. */
export const MIN_SPREAD = 1.5;

export interface FitPoint {
  /** Input bytes of the subtask. */
  bytes: number;
  /** Measured duration, seconds. */
  seconds: number;
  /** The model's I/O time for this subtask alone, seconds (0 when I/O is not considered). */
  ioSeconds: number;
  /** Measured time outside busy, idle and backpressured, seconds, when Flink reported all three. */
  overheadSeconds?: number;
}

export type FitMethod = 'regression' | 'through-origin' | 'flat' | 'busy-time' | 'one-size' | 'no-bytes';

export interface VertexFit {
  fixedSeconds: number;
  /** Seconds of CPU per input byte: 1 / rate; 0 means an unlimited rate. */
  secondsPerByte: number;
  method: FitMethod;
  points: number;
  /** Sample standard deviation of ln(measured / predicted); undefined with fewer than two points. */
  sigma?: number;
  /** Root mean square of measured - predicted duration, seconds. */
  rmsSeconds: number;
  /** Mean measured duration, seconds (to put the residual in proportion). */
  meanSeconds: number;
  /** Points whose fitted byte time (b / rate) is shorter than the model's I/O time: there the model's I/O sets the time. */
  ioBound: number;
}

/**
 * Fits fixed time and throughput to the points (see the module comment).
 * @throws Error for an empty list (callers fit only vertices that have points)
 */
export function fitPoints(points: readonly FitPoint[]): VertexFit {
  const n = points.length;
  if (n === 0) throw new Error('fitPoints: no points');
  const b = points.map((p) => p.bytes);
  const y = points.map((p) => p.seconds);
  const meanB = mean(b);
  const meanY = mean(y);
  const maxB = Math.max(...b);
  const minB = Math.min(...b);

  let fixed: number;
  let slope: number;
  let method: FitMethod;
  if (maxB <= 0) {
    [fixed, slope, method] = [meanY, 0, 'no-bytes'];
  } else if (n >= 2 && maxB >= MIN_SPREAD * minB) {
    const w = points.map((p) => (p.seconds > 0 ? 1 / p.seconds ** 2 : 0));
    const sw = w.reduce((a, x) => a + x, 0);
    const wb = w.reduce((a, x, i) => a + x * b[i], 0) / sw;
    const wy = w.reduce((a, x, i) => a + x * y[i], 0) / sw;
    let sxx = 0;
    let sxy = 0;
    for (let i = 0; i < n; i++) {
      sxx += w[i] * (b[i] - wb) ** 2;
      sxy += w[i] * (b[i] - wb) * (y[i] - wy);
    }
    slope = sxy / sxx;
    fixed = wy - slope * wb;
    method = 'regression';
    if (!(slope > 0)) {
      [fixed, slope, method] = [wy, 0, 'flat'];
    } else if (fixed < 0) {
      let sby = 0;
      let sbb = 0;
      for (let i = 0; i < n; i++) {
        sby += w[i] * b[i] * y[i];
        sbb += w[i] * b[i] * b[i];
      }
      [fixed, slope, method] = [0, sby / sbb, 'through-origin'];
    }
  } else if (points.every((p) => p.overheadSeconds !== undefined)) {
    fixed = Math.min(mean(points.map((p) => Math.max(0, p.overheadSeconds!))), meanY);
    slope = (meanY - fixed) / meanB;
    method = 'busy-time';
  } else {
    [fixed, slope, method] = [0, meanY / meanB, 'one-size'];
  }

  let squares = 0;
  const logs: number[] = [];
  for (let i = 0; i < n; i++) {
    const predicted = fixed + slope * b[i];
    squares += (points[i].seconds - predicted) ** 2;
    if (predicted > 0 && points[i].seconds > 0) logs.push(Math.log(points[i].seconds / predicted));
  }
  const fit: VertexFit = {
    fixedSeconds: fixed,
    secondsPerByte: slope,
    method,
    points: n,
    rmsSeconds: Math.sqrt(squares / n),
    meanSeconds: mean(points.map((p) => p.seconds)),
    ioBound: points.filter((p) => p.ioSeconds > 0 && slope * p.bytes < p.ioSeconds * IO_SLACK).length,
  };
  if (logs.length >= 2) {
    const m = mean(logs);
    fit.sigma = Math.sqrt(logs.reduce((s, x) => s + (x - m) ** 2, 0) / (logs.length - 1));
  }
  return fit;
}

function mean(xs: readonly number[]): number {
  return xs.reduce((s, x) => s + x, 0) / xs.length;
}

/** One line saying what the fit chose and why, for the scenario's comments. */
export function describeMethod(method: FitMethod): string {
  switch (method) {
    case 'regression':
      return 'least squares (relative) of time against input bytes';
    case 'through-origin':
      return 'least squares gave a negative fixed time: fixed 0, line through the origin';
    case 'flat':
      return 'time does not grow with the bytes: unlimited rate, the mean time is fixed';
    case 'busy-time':
      return 'one size only: fixed = time outside busy/idle/backpressured, the rest on the rate';
    case 'one-size':
      return 'one size only and no busy time: fixed 0, all the time on the rate';
    case 'no-bytes':
      return 'no input bytes: the mean time is fixed';
  }
}
