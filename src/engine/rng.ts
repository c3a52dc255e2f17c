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
 * Log-normal factors with mean 1, from a stream's standard normals drawn in blocks.
 *
 * The factors are exactly those of calling `logNormalMeanOne` once per draw, as long as
 * nothing else draws from the stream: the block holds the stream's own normal sequence.
 * Drawing a block in one tight loop keeps the generator's calls and the logarithms,
 * roots and sines out of the caller; one draw at a time, from deep in a scheduler's hot
 * path, cost more than twice as much as the same draw in a loop of its own.
 */
export class LogNormalDraws {
  private readonly block: Float64Array;
  private next: number;

  constructor(
    private readonly stream: RandomStream,
    blockSize = 256,
  ) {
    this.block = new Float64Array(blockSize);
    this.next = blockSize;
  }

  /** A log-normal draw with mean 1 whose logarithm has standard deviation `sigma`. */
  meanOne(sigma: number): number {
    if (sigma === 0) return 1;
    if (this.next === this.block.length) this.refill();
    return Math.exp(sigma * this.block[this.next++] - (sigma * sigma) / 2);
  }

  private refill(): void {
    const block = this.block;
    for (let i = 0; i < block.length; i++) block[i] = this.stream.normal();
    this.next = 0;
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
