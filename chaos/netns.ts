/**
 * Separate hosts on one machine: one Linux network namespace per host, each joined to a bridge in
 * the root namespace by a veth pair. The suite makes them and removes them; traffic goes only to
 * addresses inside them (10.77.x.0/24). A host's link can be taken down (a partition) and up again,
 * and slowed with a tbf qdisc (this kernel has no netem: latency and loss come from wan.ts).
 * Needs root (`ip`, `tc` from iproute2).
 */
import { execFileSync } from 'node:child_process';

export interface NamespaceHost {
  readonly ns: string;
  readonly ip: string;
  /** The root-namespace end of its veth pair (down: the host is cut off). */
  readonly link: string;
  /** The end inside the namespace. */
  readonly inner: string;
  /** Where others reach it through the WAN relay, when there is one. */
  announce?: { ip: string; port: number };
}

export interface Namespaces {
  readonly hosts: NamespaceHost[];
  /** The bridge's address in the root namespace (where the suite and the WAN relay live). */
  readonly gateway: string;
  /** Takes host i's link down: it hears nothing and nobody hears it. */
  cut(i: number): void;
  heal(i: number): void;
  /** Limits host i's link to `kbit` kilobits a second each way (tbf), or removes the limit (null). */
  limit(i: number, kbit: number | null): void;
  /** Removes the namespaces, the links and the bridge. */
  destroy(): void;
}

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

function tc(ns: string | null, ...args: string[]): void {
  const cmd = ns ? ['ip', ['netns', 'exec', ns, 'tc', ...args]] as const : ['tc', args] as const;
  execFileSync(cmd[0], cmd[1], { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** True when this process may make namespaces (root, iproute2 present). */
export function namespacesAvailable(): boolean {
  try {
    execFileSync('ip', ['netns', 'list'], { stdio: 'ignore' });
    return process.getuid?.() === 0;
  } catch {
    return false;
  }
}

/**
 * Makes `count` hosts. `tag` keeps runs apart (a short string: interface names have 15
 * characters at most); `subnet` is the first three octets of their /24.
 */
export function makeNamespaces(count: number, tag = `c${process.pid % 10_000}`, subnet = '10.77.0'): Namespaces {
  const bridge = `${tag}br`;
  const gateway = `${subnet}.1`;
  const hosts: NamespaceHost[] = Array.from({ length: count }, (_, i) => ({ ns: `${tag}h${i}`, ip: `${subnet}.${10 + i}`, link: `${tag}v${i}`, inner: `${tag}p${i}` }));
  const made: (() => void)[] = [];
  const destroy = () => {
    for (const undo of made.reverse()) {
      try {
        undo();
      } catch {
        // already gone
      }
    }
    made.length = 0;
  };
  try {
    ip('link', 'add', bridge, 'type', 'bridge');
    made.push(() => ip('link', 'del', bridge));
    ip('addr', 'add', `${gateway}/24`, 'dev', bridge);
    ip('link', 'set', bridge, 'up');
    for (const h of hosts) {
      ip('netns', 'add', h.ns);
      made.push(() => ip('netns', 'del', h.ns));
      ip('link', 'add', h.link, 'type', 'veth', 'peer', 'name', h.inner);
      made.push(() => ip('link', 'del', h.link));
      ip('link', 'set', h.inner, 'netns', h.ns);
      ip('link', 'set', h.link, 'master', bridge, 'up');
      ip('netns', 'exec', h.ns, 'ip', 'addr', 'add', `${h.ip}/24`, 'dev', h.inner);
      ip('netns', 'exec', h.ns, 'ip', 'link', 'set', h.inner, 'up');
      ip('netns', 'exec', h.ns, 'ip', 'link', 'set', 'lo', 'up');
    }
  } catch (e) {
    destroy();
    throw new Error(`cannot make network namespaces (root and iproute2 are needed): ${(e as Error).message}`);
  }
  return {
    hosts,
    gateway,
    cut: (i) => ip('link', 'set', hosts[i].link, 'down'),
    heal: (i) => ip('link', 'set', hosts[i].link, 'up'),
    limit: (i, kbit) => {
      const h = hosts[i];
      for (const [ns, dev] of [[null, h.link], [h.ns, h.inner]] as const) {
        try {
          tc(ns, 'qdisc', 'del', 'dev', dev, 'root');
        } catch {
          // no qdisc yet
        }
        if (kbit !== null) tc(ns, 'qdisc', 'add', 'dev', dev, 'root', 'tbf', 'rate', `${kbit}kbit`, 'burst', '64kb', 'latency', '400ms');
      }
    },
    destroy,
  };
}
