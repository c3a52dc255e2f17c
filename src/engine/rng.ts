//! Seeded random numbers with independent named sub-streams.

import seedrandom from 'seedrandom';

/** A source of uniform numbers in [0, 1) and the distributions built on them. */
export interface RandomStream {
  /** A uniform draw in [0, 1). */
  next(): number;
  /** A standard normal draw (mean 0, standard deviation 1). */
  normal(): number;
}

/**
 * Tables of the ziggurat method for the standard normal (Marsaglia and Tsang, 2000), with
 * 128 layers: `KN` holds each layer's acceptance bound for a 32-bit draw, `WN` its width
 * per unit of that draw, `FN` the density at its edge.
 */
const ZIGGURAT_R = 3.442619855899;
const ZIGGURAT_AREA = 9.91256303526217e-3;
const KN = new Uint32Array(128);
const WN = new Float64Array(128);
const FN = new Float64Array(128);
{
  const m = 2 ** 31;
  let d = ZIGGURAT_R;
  let t = d;
  const q = ZIGGURAT_AREA / Math.exp(-0.5 * d * d);
  KN[0] = (d / q) * m;
  KN[1] = 0;
  WN[0] = q / m;
  WN[127] = d / m;
  FN[0] = 1;
  FN[127] = Math.exp(-0.5 * d * d);
  for (let i = 126; i >= 1; i--) {
    d = Math.sqrt(-2 * Math.log(ZIGGURAT_AREA / d + Math.exp(-0.5 * d * d)));
    KN[i + 1] = (d / t) * m;
    t = d;
    FN[i] = Math.exp(-0.5 * d * d);
    WN[i] = d / m;
  }
}

class AleaStream implements RandomStream {
  private generator: seedrandom.PRNG | null = null;

  constructor(private readonly seed: string) {}

  /** Seeded on the first draw: a run makes several streams and many never draw (no jitter, no random failures). */
  private get prng(): seedrandom.PRNG {
    return this.generator ?? (this.generator = seedrandom.alea(this.seed));
  }

  next(): number {
    return this.prng();
  }

  /**
   * The ziggurat method: one 32-bit draw picks a layer and a point in it, and 98.8% of
   * draws land inside the layer's rectangle and are done. It took a third of the time of
   * the Box-Muller transform, whose logarithm, root, sine and cosine dominated a jittered
   * run's random draws.
   */
  normal(): number {
    const hz = this.prng.int32();
    const iz = hz & 127;
    if (Math.abs(hz) < KN[iz]) return hz * WN[iz];
    return this.normalSlow(hz, iz);
  }

  /** The rest of the ziggurat: the wedge of a layer, or the tail beyond ZIGGURAT_R. */
  private normalSlow(hz: number, iz: number): number {
    for (;;) {
      if (iz === 0) {
        // The tail, by Marsaglia's method for a normal beyond r.
        let x: number;
        let y: number;
        do {
          x = -Math.log(1 - this.prng()) / ZIGGURAT_R;
          y = -Math.log(1 - this.prng());
        } while (y + y < x * x);
        return hz > 0 ? ZIGGURAT_R + x : -ZIGGURAT_R - x;
      }
      const x = hz * WN[iz];
      if (FN[iz] + this.prng() * (FN[iz - 1] - FN[iz]) < Math.exp(-0.5 * x * x)) return x;
      hz = this.prng.int32();
      iz = hz & 127;
      if (Math.abs(hz) < KN[iz]) return hz * WN[iz];
    }
  }
}

/**
 * Log-normal factors with mean 1, from a stream's standard normals drawn in blocks.
 *
 * The factors are exactly those of one `normal()` draw per factor, as long as nothing else
 * draws from the stream: the block holds the stream's own normal sequence.
 * Drawing a block in one tight loop keeps the generator's calls and the normal method's
 * work out of the caller; one draw at a time, from deep in a scheduler's hot path, cost
 * more than twice as much as the same draw in a loop of its own.
 */
export class LogNormalDraws {
  /** Empty until the first draw: most runs have no jitter. */
  private block = new Float64Array(0);
  private next = 0;

  constructor(
    private readonly stream: RandomStream,
    private readonly blockSize = 256,
  ) {}

  /** A log-normal draw with mean 1 whose logarithm has standard deviation `sigma`. */
  meanOne(sigma: number): number {
    if (sigma === 0) return 1;
    if (this.next === this.block.length) this.refill();
    return Math.exp(sigma * this.block[this.next++] - (sigma * sigma) / 2);
  }

  private refill(): void {
    if (this.block.length === 0) this.block = new Float64Array(this.blockSize);
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
