//! Flink's pipelined-region failover: which subtasks restart when one of them fails.
//! The reference the simulator's fast walk (src/failure/subtask-failover.ts) is tested against:
//! generic over partition types and vertex-level, too slow to run inside a simulation.

import { InvariantError } from '../../src/engine/simulation.js';

/**
 * Name of a Flink `ResultPartitionType`. Upper-case enum names are canonical; lower case and
 * `-` for `_` are accepted too (`blocking`, `hybrid-full`), so builders can stay terse.
 */
export type ResultPartitionTypeName = 'BLOCKING' | 'PIPELINED' | 'HYBRID_FULL' | 'HYBRID_SELECTIVE' | string;

/** One consumer reading one result partition: a producer subtask's output read by a consumer subtask. */
export interface FailoverEdge {
  from: string;
  to: string;
  resultType: ResultPartitionTypeName;
  /**
   * The partition read over this edge. Several edges may name the same partition (one producer
   * output read by several consumers); they must then agree on `from` and `resultType`.
   */
  partition: string;
}

/**
 * The execution-level graph failover works on: every vertex is an execution vertex (one
 * subtask), every edge one consumed partition.
 */
export interface FailoverTopology {
  vertices: string[];
  edges: FailoverEdge[];
}

/** What is known about partitions when a subtask fails. */
export interface FailoverOptions {
  /** Partitions that can no longer be read, e.g. shuffle files lost with their TaskManager. */
  unavailablePartitions?: Iterable<string>;
  /** The partition whose consumption caused the failure (Flink's `PartitionException`), if any. */
  partitionError?: string | null;
}

/** How a partition type behaves in region building and failover (Flink's `ResultPartitionType` flags). */
interface PartitionTraits {
  /** Producer and consumer must run at the same time, so they share a pipelined region. */
  mustBePipelined: boolean;
  /** The data can be read again after a consumer restarts, so the producer need not rerun. */
  reconsumable: boolean;
  /** `PIPELINED_APPROXIMATE` is not re-consumable, yet Flink counts it as available: the consumer reconnects. */
  reconnectable: boolean;
}

const PARTITION_TRAITS: ReadonlyMap<string, PartitionTraits> = new Map([
  ['BLOCKING', { mustBePipelined: false, reconsumable: true, reconnectable: false }],
  ['BLOCKING_PERSISTENT', { mustBePipelined: false, reconsumable: true, reconnectable: false }],
  ['PIPELINED', { mustBePipelined: true, reconsumable: false, reconnectable: false }],
  ['PIPELINED_BOUNDED', { mustBePipelined: true, reconsumable: false, reconnectable: false }],
  ['PIPELINED_APPROXIMATE', { mustBePipelined: false, reconsumable: false, reconnectable: true }],
  ['HYBRID_FULL', { mustBePipelined: false, reconsumable: true, reconnectable: false }],
  ['HYBRID_SELECTIVE', { mustBePipelined: false, reconsumable: false, reconnectable: false }],
]);

function traitsOf(resultType: string): PartitionTraits | undefined {
  return PARTITION_TRAITS.get(resultType.toUpperCase().replace(/-/g, '_'));
}

/**
 * Whether region failover knows this result partition type.
 * @param resultType a Flink `ResultPartitionType` name such as `BLOCKING` or `hybrid-full`
 * @returns true when {@link PipelinedRegionFailover} accepts edges of this type
 */
export function isKnownResultType(resultType: string): boolean {
  return traitsOf(resultType) !== undefined;
}

/** Per-partition facts gathered from the edges that read it. */
interface PartitionInfo {
  producer: number;
  traits: PartitionTraits;
  resultType: string;
}

/**
 * Flink's `RestartPipelinedRegionFailoverStrategy` over a fixed topology. Building it computes
 * the pipelined regions once; each {@link verticesToRestart} call is then a breadth-first walk
 * over regions, linear in the size of the part of the graph it touches.
 */
export class PipelinedRegionFailover {
  private readonly vertexNames: readonly string[];
  private readonly vertexIndex = new Map<string, number>();
  private readonly partitions = new Map<string, PartitionInfo>();
  /** Region index of every vertex, by vertex index. */
  private readonly regionOfVertex: Int32Array;
  /** Vertex indices of every region, each in topology order. */
  private readonly regionVertices: number[][];
  /** Partitions read by each region's vertices, without duplicates. */
  private readonly regionInputs: string[][];
  /** Regions reading any partition produced in each region, without duplicates. */
  private readonly regionConsumers: number[][];

  /**
   * @param topology the execution vertices and the partitions they exchange
   * @throws InvariantError on a duplicate or unknown vertex, an unknown result type, or a partition
   *   that two edges give different producers or types
   */
  constructor(topology: FailoverTopology) {
    this.vertexNames = topology.vertices.slice();
    this.vertexNames.forEach((name, i) => {
      if (this.vertexIndex.has(name)) throw new InvariantError(`duplicate vertex ${name} in failover topology`);
      this.vertexIndex.set(name, i);
    });
    const n = this.vertexNames.length;
    const edges = topology.edges.map((e) => {
      const from = this.indexOf(e.from);
      const to = this.indexOf(e.to);
      const traits = traitsOf(e.resultType);
      if (traits === undefined) {
        throw new InvariantError(`unknown result partition type ${e.resultType} on ${e.from} -> ${e.to}`);
      }
      const known = this.partitions.get(e.partition);
      if (known === undefined) {
        this.partitions.set(e.partition, { producer: from, traits, resultType: e.resultType });
      } else if (known.producer !== from || known.traits !== traits) {
        throw new InvariantError(
          `partition ${e.partition} has two producers or types: ` +
            `${this.vertexNames[known.producer]} (${known.resultType}) and ${e.from} (${e.resultType})`,
        );
      }
      return { from, to, partition: e.partition, mustBePipelined: traits.mustBePipelined };
    });

    // Step 1: raw regions are the connected components over must-be-pipelined edges, since
    // both ends of such an edge have to be running together.
    const parent = Int32Array.from({ length: n }, (_, i) => i);
    const find = (x: number): number => {
      while (parent[x] !== x) {
        parent[x] = parent[parent[x]]; // path halving keeps the trees shallow
        x = parent[x];
      }
      return x;
    };
    for (const e of edges) {
      if (!e.mustBePipelined) continue;
      const a = find(e.from);
      const b = find(e.to);
      // The smaller root wins so the result does not depend on edge order.
      if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
    }
    const rawOf = new Int32Array(n);
    const rawRoots = new Map<number, number>();
    for (let v = 0; v < n; v++) {
      const root = find(v);
      let r = rawRoots.get(root);
      if (r === undefined) {
        r = rawRoots.size;
        rawRoots.set(root, r);
      }
      rawOf[v] = r;
    }

    // Step 2: raw regions that reach each other over the remaining edges form a cycle, and a
    // cycle of regions could never be scheduled one after another, so Flink merges every
    // strongly connected component of the region graph into one region (FLINK-17330).
    const rawCount = rawRoots.size;
    const rawOut: number[][] = Array.from({ length: rawCount }, () => []);
    for (const e of edges) {
      if (e.mustBePipelined) continue;
      const a = rawOf[e.from];
      const b = rawOf[e.to];
      if (a !== b) rawOut[a].push(b);
    }
    const sccOfRaw = stronglyConnectedComponents(rawOut);

    // Number the final regions by their first vertex so the numbering is stable.
    const regionOfScc = new Map<number, number>();
    this.regionOfVertex = new Int32Array(n);
    this.regionVertices = [];
    for (let v = 0; v < n; v++) {
      const scc = sccOfRaw[rawOf[v]];
      let r = regionOfScc.get(scc);
      if (r === undefined) {
        r = this.regionVertices.length;
        regionOfScc.set(scc, r);
        this.regionVertices.push([]);
      }
      this.regionOfVertex[v] = r;
      this.regionVertices[r].push(v);
    }

    const regionCount = this.regionVertices.length;
    const inputs: Set<string>[] = Array.from({ length: regionCount }, () => new Set());
    const consumers: Set<number>[] = Array.from({ length: regionCount }, () => new Set());
    for (const e of edges) {
      const producerRegion = this.regionOfVertex[e.from];
      const consumerRegion = this.regionOfVertex[e.to];
      inputs[consumerRegion].add(e.partition);
      if (consumerRegion !== producerRegion) consumers[producerRegion].add(consumerRegion);
    }
    this.regionInputs = inputs.map((s) => [...s]);
    this.regionConsumers = consumers.map((s) => [...s]);
  }

  /**
   * The pipelined regions, each a list of vertex names in topology order; regions are ordered by
   * their first vertex.
   */
  regions(): string[][] {
    return this.regionVertices.map((vs) => vs.map((v) => this.vertexNames[v]));
  }

  /**
   * The vertices sharing a pipelined region with `vertex`, itself included.
   * @throws InvariantError when the vertex is not in the topology
   */
  regionOf(vertex: string): string[] {
    return this.regionVertices[this.regionOfVertex[this.indexOf(vertex)]].map((v) => this.vertexNames[v]);
  }

  /**
   * The subtasks to restart when `failed` fails, by Flink's rule: the failed subtask's region is
   * involved; for every involved region, the producer region of each partition it reads that is
   * not available is involved; every consumer region of an involved region is involved, whether
   * it has finished or not. A partition is not available when it is listed in
   * `unavailablePartitions`, is the `partitionError`, or cannot be read twice (pipelined,
   * hybrid-selective).
   * @param failed the failed execution vertex
   * @param opts partitions known to be lost, and the partition whose reading failed
   * @returns every vertex of every involved region, in the order the walk reached them
   * @throws InvariantError when `failed` or `partitionError` is not in the topology
   */
  verticesToRestart(failed: string, opts: FailoverOptions = {}): Set<string> {
    const lost = new Set<string>(opts.unavailablePartitions ?? []);
    if (opts.partitionError != null) {
      if (!this.partitions.has(opts.partitionError)) {
        throw new InvariantError(`partition ${opts.partitionError} named by the failure is not in the topology`);
      }
      lost.add(opts.partitionError);
    }
    const isAvailable = (partition: string): boolean => {
      const info = this.partitions.get(partition)!;
      return !lost.has(partition) && (info.traits.reconsumable || info.traits.reconnectable);
    };

    const start = this.regionOfVertex[this.indexOf(failed)];
    const visited = new Uint8Array(this.regionVertices.length);
    const queue = [start];
    visited[start] = 1;
    const restart = new Set<string>();
    for (let head = 0; head < queue.length; head++) {
      const region = queue[head];
      for (const v of this.regionVertices[region]) restart.add(this.vertexNames[v]);
      // A lost input can only be read again after its producer runs again.
      for (const partition of this.regionInputs[region]) {
        if (isAvailable(partition)) continue;
        const producerRegion = this.regionOfVertex[this.partitions.get(partition)!.producer];
        if (!visited[producerRegion]) {
          visited[producerRegion] = 1;
          queue.push(producerRegion);
        }
      }
      // A rerun producer writes a new version of its output, so every reader must read it
      // again; finished readers are not spared.
      for (const consumerRegion of this.regionConsumers[region]) {
        if (!visited[consumerRegion]) {
          visited[consumerRegion] = 1;
          queue.push(consumerRegion);
        }
      }
    }
    return restart;
  }

  private indexOf(vertex: string): number {
    const i = this.vertexIndex.get(vertex);
    if (i === undefined) throw new InvariantError(`vertex ${vertex} is not in the failover topology`);
    return i;
  }
}

/**
 * Strongly connected components of a directed graph (Tarjan's algorithm, iterative so that long
 * chains cannot overflow the call stack).
 * @param out adjacency lists by node index
 * @returns the component number of every node
 */
function stronglyConnectedComponents(out: readonly (readonly number[])[]): Int32Array {
  const n = out.length;
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const component = new Int32Array(n).fill(-1);
  const stack: number[] = [];
  const frames: { node: number; next: number }[] = [];
  let counter = 0;
  let components = 0;
  for (let root = 0; root < n; root++) {
    if (index[root] !== -1) continue;
    frames.push({ node: root, next: 0 });
    index[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = 1;
    while (frames.length > 0) {
      const frame = frames[frames.length - 1];
      const v = frame.node;
      if (frame.next < out[v].length) {
        const w = out[v][frame.next++];
        if (index[w] === -1) {
          index[w] = low[w] = counter++;
          stack.push(w);
          onStack[w] = 1;
          frames.push({ node: w, next: 0 });
        } else if (onStack[w]) {
          low[v] = Math.min(low[v], index[w]);
        }
        continue;
      }
      frames.pop();
      if (frames.length > 0) {
        const parentNode = frames[frames.length - 1].node;
        low[parentNode] = Math.min(low[parentNode], low[v]);
      }
      if (low[v] === index[v]) {
        let w: number;
        do {
          w = stack.pop()!;
          onStack[w] = 0;
          component[w] = components;
        } while (w !== v);
        components++;
      }
    }
  }
  return component;
}

/**
 * Flink's pipelined regions: vertices joined by must-be-pipelined edges (`PIPELINED`,
 * `PIPELINED_BOUNDED`), with regions that form a cycle over the other edges merged. Blocking,
 * hybrid and approximate edges do not join regions.
 * @param topology the execution vertices and the partitions they exchange
 * @returns the regions, each a list of vertex names in topology order, ordered by first vertex
 * @throws InvariantError on an inconsistent topology (see {@link PipelinedRegionFailover})
 */
export function computePipelinedRegions(topology: FailoverTopology): string[][] {
  return new PipelinedRegionFailover(topology).regions();
}

/**
 * The subtasks Flink's region failover restarts when `failed` fails; see
 * {@link PipelinedRegionFailover.verticesToRestart}. Builds the regions on every call: for
 * repeated failures on one topology, keep a {@link PipelinedRegionFailover} instead.
 * @param topology the execution vertices and the partitions they exchange
 * @param failed the failed execution vertex
 * @param opts partitions known to be lost, and the partition whose reading failed
 * @returns the vertices to restart
 * @throws InvariantError when `failed` is unknown or the topology is inconsistent
 */
export function verticesToRestart(topology: FailoverTopology, failed: string, opts: FailoverOptions = {}): Set<string> {
  return new PipelinedRegionFailover(topology).verticesToRestart(failed, opts);
}
