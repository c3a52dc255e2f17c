//! Seeded random numbers with independent named sub-streams.

import seedrandom from 'seedrandom';

/** A source of uniform numbers in [0, 1) and the distributions built on them. */
export interface RandomStream {
  /** A uniform draw in [0, 1). */
  next(): number;
  /** A standard normal draw (mean 0, standard deviation 1). */
  normal(): number;
  /** A log-normal draw with mean 1 whose logarithm has standard deviation `sigma`. */
  logNormalMeanOne(sigma: number): number;
}

class AleaStream implements RandomStream {
  private readonly prng: seedrandom.PRNG;
  private spare = NaN;

  constructor(seed: string) {
    this.prng = seedrandom.alea(seed);
  }

  next(): number {
    return this.prng();
  }

  normal(): number {
    // Box-Muller gives two independent normals; keep the second for the next call.
    if (!Number.isNaN(this.spare)) {
      const s = this.spare;
      this.spare = NaN;
      return s;
    }
    let u = 0;
    while (u === 0) u = this.prng();
    const v = this.prng();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  logNormalMeanOne(sigma: number): number {
    if (sigma === 0) return 1;
    return Math.exp(sigma * this.normal() - (sigma * sigma) / 2);
  }
}

/**
 * One generator family per run. Each component asks for its own named stream,
 * so a new draw in one component never shifts the numbers another one sees.
 */
export class RandomStreams {
  private readonly streams = new Map<string, RandomStream>();

  constructor(readonly seed: number) {}

  /** The stream with this name, created on first use from the run's seed. */
  stream(name: string): RandomStream {
    let s = this.streams.get(name);
    if (s === undefined) {
      s = new AleaStream(`batchsim:${this.seed}:${name}`);
      this.streams.set(name, s);
    }
    return s;
  }
}
