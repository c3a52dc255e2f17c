//! Decides, when an attempt starts, whether and when it fails: injected subtask faults and random failures.

import type { RandomStream } from '../engine/rng.js';
import type { SimulationSpec } from '../model/spec.js';

/** Why an attempt fails, as reports name it. */
export const INJECTED_FAILURE = 'Injected failure (faults[].type = subtask)';
export const RANDOM_FAILURE = 'Random failure (faults[].type = random-subtask)';

/** An attempt's failure: after what fraction of its time it fails, and why. */
export interface AttemptFailure {
  at: number;
  cause: typeof INJECTED_FAILURE | typeof RANDOM_FAILURE;
}

/**
 * The `subtask` and `random-subtask` faults of a scenario. Random failures draw from their
 * own named stream, so they never shift another component's random numbers; an injected
 * fault for the same attempt wins over a random one.
 */
export class FaultInjector {
  /** The probability that an attempt fails at random, from every `random-subtask` fault together. */
  readonly randomProbability: number;
  /** 1 for vertices with injected faults, so most attempts skip the lookup. */
  private readonly faultVertices: Uint8Array;
  private readonly injected = new Map<string, number>();

  constructor(
    spec: SimulationSpec,
    private readonly rng: RandomStream,
  ) {
    // Vertex numbers by id, only when a fault names a vertex (a job may have thousands).
    const index = spec.faults.some((f) => f.type === 'subtask') ? new Map(spec.vertices.map((v, i) => [v.id, i])) : new Map<string, number>();
    this.faultVertices = new Uint8Array(spec.vertices.length);
    let survive = 1;
    for (const f of spec.faults) {
      if (f.type === 'subtask') {
        const v = index.get(f.vertex) as number;
        this.faultVertices[v] = 1;
        // Two faults on one attempt: it fails at the fraction it reaches first.
        const key = `${v}:${f.subtask}:${f.attempt}`;
        this.injected.set(key, Math.min(f.at, this.injected.get(key) ?? Infinity));
      } else if (f.type === 'random-subtask') {
        survive *= 1 - f.probability;
      }
    }
    this.randomProbability = 1 - survive;
  }

  /**
   * Decides the fate of an attempt as it starts.
   * @returns when and why it fails, or null when it does not (most attempts: nothing is allocated then)
   */
  failureOf(vertex: number, subtask: number, attempt: number): AttemptFailure | null {
    let failure: AttemptFailure | null = null;
    if (this.randomProbability > 0 && this.rng.next() < this.randomProbability) {
      failure = { at: this.rng.next(), cause: RANDOM_FAILURE };
    }
    if (this.faultVertices[vertex] === 1) {
      const at = this.injected.get(`${vertex}:${subtask}:${attempt}`);
      if (at !== undefined) failure = { at, cause: INJECTED_FAILURE };
    }
    return failure;
  }
}
