import { afterAll, beforeAll, describe } from 'vitest';
import { createTestBackends, type TestBackends } from './backends.ts';

/**
 * One behaviour suite, run against every deployment shape this run can build: the promise
 * holds on a laptop and in a cluster alike. As socket.io's adapter test runner does it: the
 * suite is written once and handed a topology; the runner makes one describe block per shape.
 */
export type TopologyName = 'embedded' | 'postgres+redis' | 'two nodes';

export interface Topology<Node> {
  readonly name: TopologyName;
  /** Every node, in start order: one, or two sharing one database and Redis prefix. */
  readonly nodes: readonly Node[];
  /** The node for the `index`-th participant: participants are spread over the nodes in turn. */
  node(index: number): Node;
  readonly backends: TestBackends;
  /** Runs `cleanup` when the suite ends, before the nodes close (SDK clients, sockets). */
  defer(cleanup: () => Promise<void> | void): void;
}

/** Starts one node of the service under test on the given backends. */
export type StartNode<Node extends { close(): Promise<void> }> = (backends: TestBackends) => Promise<Node>;

/**
 * `embedded` (PGlite, in-process adapters) always; with DATABASE_URL and REDIS_URL also
 * `postgres+redis` (one node) and `two nodes` (two nodes sharing PostgreSQL and Redis).
 */
export function availableTopologies(): TopologyName[] {
  const scaled = Boolean(process.env.DATABASE_URL && process.env.REDIS_URL);
  return scaled ? ['embedded', 'postgres+redis', 'two nodes'] : ['embedded'];
}

const SHAPES: Record<TopologyName, { embedded: boolean; nodes: number }> = {
  embedded: { embedded: true, nodes: 1 },
  'postgres+redis': { embedded: false, nodes: 1 },
  'two nodes': { embedded: false, nodes: 2 },
};

export function describeTopologies<Node extends { close(): Promise<void> }>(
  name: string,
  startNode: StartNode<Node>,
  suite: (topology: Topology<Node>) => void,
): void {
  for (const topology of availableTopologies()) {
    describe(`${name} [${topology}]`, () => {
      const running = new RunningTopology<Node>(topology);
      beforeAll(() => running.start(startNode));
      afterAll(() => running.stop());
      suite(running);
    });
  }
}

class RunningTopology<Node extends { close(): Promise<void> }> implements Topology<Node> {
  private started: { backends: TestBackends; nodes: Node[] } | null = null;
  private readonly cleanups: Array<() => Promise<void> | void> = [];

  constructor(readonly name: TopologyName) {}

  get nodes(): readonly Node[] {
    return this.running().nodes;
  }

  get backends(): TestBackends {
    return this.running().backends;
  }

  node(index: number): Node {
    const nodes = this.running().nodes;
    return nodes[index % nodes.length]!;
  }

  defer(cleanup: () => Promise<void> | void): void {
    this.cleanups.push(cleanup);
  }

  async start(startNode: StartNode<Node>): Promise<void> {
    const shape = SHAPES[this.name];
    const backends = await createTestBackends({ embedded: shape.embedded });
    const nodes: Node[] = [];
    try {
      for (let i = 0; i < shape.nodes; i++) nodes.push(await startNode(backends));
    } catch (error) {
      for (const node of nodes.reverse()) await node.close();
      await backends.dispose();
      throw error;
    }
    this.started = { backends, nodes };
  }

  async stop(): Promise<void> {
    for (const cleanup of this.cleanups.splice(0).reverse()) await cleanup();
    if (!this.started) return;
    const { backends, nodes } = this.started;
    this.started = null;
    for (const node of [...nodes].reverse()) await node.close();
    await backends.dispose();
  }

  private running() {
    if (!this.started) throw new Error(`topology ${this.name} is not running (use it inside a test)`);
    return this.started;
  }
}
