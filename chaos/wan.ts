/**
 * A wide-area network between the suite's hosts, in user space (this kernel has no netem): a TCP
 * relay that forwards each listening address to a host, delaying every segment (one way, with
 * jitter, order kept) and "losing" some: a lost segment arrives a retransmission timeout later,
 * holding back everything behind it on that connection, which is what TCP loss looks like to the
 * program above it. A fraction of new connections is refused outright. Seeded: the same seed
 * makes the same draws for the same traffic.
 *
 *   node chaos/wan.ts --route 10.77.0.1:5000=10.77.0.10:4001 [--route ...] --delay 100 --jitter 20 --loss 0.01 [--seed 1]
 *
 * Prints "ready" once every route listens; stops when its standard input closes.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import { rng } from './rng.ts';

export interface WanOptions {
  /** One-way delay added to every segment, ms. */
  readonly delayMs: number;
  /** Up to this much more, uniformly drawn, ms. */
  readonly jitterMs: number;
  /** Fraction of segments lost (then resent a retransmission timeout later). */
  readonly loss: number;
  /** Fraction of new connections refused. */
  readonly connectionLoss?: number;
  readonly seed?: number;
}

/** TCP's segment size on a 1,500-byte link; loss is drawn per segment. */
const SEGMENT = 1448;
/** A retransmission timeout: at least 200 ms (Linux's minimum RTO), or twice the round trip. */
const rto = (delayMs: number) => Math.max(200, 4 * delayMs);


/**
 * Forwards `from` to `to` through a delaying, lossy pipe, in order: one queue per direction and
 * one timer that writes whatever is due (timers of different delays may fire in either order when
 * they fall due in the same millisecond: a timer per segment reordered bytes).
 */
function pipeDelayed(from: Socket, to: Socket, options: WanOptions, random: () => number): void {
  const queue: { due: number; data: Buffer }[] = [];
  let last = 0; // when the previous segment is due: nothing overtakes it
  let timer: ReturnType<typeof setTimeout> | undefined;
  let ended = false;
  const pump = () => {
    timer = undefined;
    const now = Date.now();
    while (queue.length > 0 && queue[0].due <= now) {
      const { data } = queue.shift()!;
      if (!to.destroyed) to.write(data);
    }
    if (queue.length > 0) timer = setTimeout(pump, queue[0].due - now);
    else if (ended && !to.destroyed) to.end();
  };
  from.on('data', (chunk: Buffer) => {
    for (let i = 0; i < chunk.length; i += SEGMENT) {
      let due = Date.now() + options.delayMs + random() * options.jitterMs;
      if (random() < options.loss) due += rto(options.delayMs);
      due = Math.max(due, last);
      last = due;
      queue.push({ due, data: chunk.subarray(i, i + SEGMENT) });
    }
    timer ??= setTimeout(pump, Math.max(0, queue[0].due - Date.now()));
  });
  from.on('end', () => {
    ended = true;
    timer ??= setTimeout(pump, 0);
  });
  from.on('close', () => {
    // A reset (not an end) cuts the other side too, after what was in flight.
    setTimeout(() => to.destroy(), Math.max(0, last - Date.now()));
  });
}

/** Starts the routes; resolves with the servers once all listen. */
export async function startWan(routes: readonly { listen: { host: string; port: number }; target: { host: string; port: number } }[], options: WanOptions): Promise<Server[]> {
  const random = rng(options.seed ?? 1);
  return Promise.all(routes.map((route) => new Promise<Server>((resolve, reject) => {
    const server = createServer((client) => {
      client.setNoDelay(true);
      if (random() < (options.connectionLoss ?? 0)) {
        client.destroy();
        return;
      }
      const upstream = connect(route.target.port, route.target.host);
      upstream.setNoDelay(true);
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
      pipeDelayed(client, upstream, options, random);
      pipeDelayed(upstream, client, options, random);
    });
    server.once('error', reject);
    server.listen(route.listen.port, route.listen.host, () => resolve(server));
  })));
}

function address(text: string): { host: string; port: number } {
  const i = text.lastIndexOf(':');
  const port = Number(text.slice(i + 1));
  if (i < 1 || !Number.isInteger(port)) throw new Error(`not host:port: ${text}`);
  return { host: text.slice(0, i), port };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const routes: { listen: { host: string; port: number }; target: { host: string; port: number } }[] = [];
  const opts: Record<string, number> = { delay: 0, jitter: 0, loss: 0, 'connection-loss': 0, seed: 1 };
  for (let i = 0; i < args.length; i += 2) {
    const [name, value] = [args[i].replace(/^--/, ''), args[i + 1]];
    if (name === 'route') {
      const [l, t] = value.split('=');
      routes.push({ listen: address(l), target: address(t) });
    } else if (name in opts) opts[name] = Number(value);
    else throw new Error(`unknown option ${args[i]}`);
  }
  await startWan(routes, { delayMs: opts.delay, jitterMs: opts.jitter, loss: opts.loss, connectionLoss: opts['connection-loss'], seed: opts.seed });
  console.log('ready');
  process.stdin.on('end', () => process.exit(0)).on('close', () => process.exit(0)).resume();
}
