/**
 * The local network's HTTP endpoint (loopback only):
 *   GET  /status        the first peer's status, and each local validator's (JSON)
 *   GET  /network.json  the genesis settings, the relay's addresses and the local exchange agent, for browsers and `ans node`
 *   POST /faucet        {"address": "A..."}: AntShare and AntCoin for a new address
 * Faucet requests are rate-limited per address and per client; every error is JSON
 * `{ "error": code, "message": text }` with a 4xx status.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { addressToScriptHash } from '../core/script/accounts.ts';
import { formatFixed8, uintFromString, uintToString } from '../core/encoding/primitives.ts';
import { bytesToHex, hexToBytes } from '../core/encoding/bytes.ts';
import { heightKey } from '../core/state/keys.ts';
import { ANTCOIN_ID, ANTSHARE_ID } from '../core/block/genesis.ts';
import { ProtocolError, isInputError } from '../core/encoding/errors.ts';
import { nodeStatus, type NodeStatus } from '../core/node/status.ts';
import type { Node } from '../core/node/node.ts';
import type { Faucet } from './faucet.ts';
import type { NetworkFile } from './network.ts';

export interface HttpServer {
  readonly url: string;
  close(): Promise<void>;
}

/** Requests per address: one per ADDRESS_WINDOW; per client: CLIENT_LIMIT per CLIENT_WINDOW. */
const ADDRESS_WINDOW_MS = 60_000;
const CLIENT_WINDOW_MS = 60_000;
const CLIENT_LIMIT = 30;
const MAX_BODY = 4096;

class RateLimit {
  readonly #hits = new Map<string, number[]>();
  readonly windowMs: number;
  readonly limit: number;
  constructor(windowMs: number, limit: number) {
    this.windowMs = windowMs;
    this.limit = limit;
  }
  /** Counts a hit; false when `key` is over its limit. */
  take(key: string, now = Date.now()): boolean {
    const recent = (this.#hits.get(key) ?? []).filter((t) => now - t < this.windowMs);
    if (recent.length >= this.limit) {
      this.#hits.set(key, recent);
      return false;
    }
    recent.push(now);
    this.#hits.set(key, recent);
    if (this.#hits.size > 100_000) this.#hits.clear(); // bounded memory; forgets, never grows
    return true;
  }

  /** Gives back the last hit (a request that failed on our side). */
  refund(key: string): void {
    this.#hits.get(key)?.pop();
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    // The wallet is served from another loopback port; it sends no credentials.
    'access-control-allow-origin': '*',
    'access-control-allow-headers': 'content-type',
    'cache-control': 'no-store',
  });
  res.end(JSON.stringify(body, null, 2) + '\n');
}

async function readBody(req: IncomingMessage, max = MAX_BODY): Promise<string> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > max) throw new ProtocolError('HTTP_BODY_TOO_LARGE', `a request body is at most ${max} bytes`, {});
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * A node's own endpoint (`ans node --status-port`), for its operator and for the fault suite:
 *   GET  /status               the node's status (JSON)
 *   GET  /hashes?from=H        up to 1,000 block hashes from height H (shown hex), to compare chains
 *   GET  /tx/HASH              the height of a transaction in the chain (404 when it is not there)
 *   GET  /supply               per native asset: units held in unspent outputs, and units issued
 *   POST /tx                   a signed transaction as hex: checked, pooled and gossiped
 */
export function serveStatus(node: Node, port: number, host = '127.0.0.1'): Promise<HttpServer> {
  return listen(createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const path = url.pathname;
      const ledger = node.chain.ledger;
      if (req.method === 'GET' && path === '/status') return send(res, 200, nodeStatus(node));
      if (req.method === 'GET' && path === '/hashes') {
        const from = Math.max(0, Number(url.searchParams.get('from') ?? 0) | 0);
        const hashes: string[] = [];
        for (let h = from; h <= ledger.height && hashes.length < 1000; h++) hashes.push(uintToString(ledger.headers.get(heightKey(h))!.hash));
        return send(res, 200, { from, hashes });
      }
      if (req.method === 'GET' && path.startsWith('/tx/')) {
        const id = path.slice(4);
        if (!/^[0-9a-f]{64}$/.test(id)) return send(res, 400, { error: 'BAD_REQUEST', message: 'GET /tx/HASH: 64 hex digits, as shown' });
        const found = ledger.txs.get(bytesToHex(uintFromString(id, 32)));
        return found ? send(res, 200, { height: found.height }) : send(res, 404, { error: 'NOT_FOUND', message: 'not in the chain' });
      }
      if (req.method === 'GET' && path === '/supply') {
        const of = (id: Uint8Array) => ({ held: formatFixed8(ledger.holdersOf(id).reduce((sum, h) => sum + h.units, 0n)), issued: formatFixed8(ledger.supply(id)) });
        return send(res, 200, { height: ledger.height, antShare: of(ANTSHARE_ID), antCoin: of(ANTCOIN_ID) });
      }
      if (req.method === 'POST' && path === '/tx') {
        const text = (await readBody(req, MAX_TX_BODY)).trim();
        if (!/^([0-9a-f]{2})+$/i.test(text)) return send(res, 400, { error: 'BAD_REQUEST', message: 'POST /tx: the signed transaction as hex' });
        const hash = await node.submit(hexToBytes(text));
        return send(res, 200, { tx: uintToString(hash) });
      }
      return send(res, 404, { error: 'NOT_FOUND', message: 'GET /status, /hashes?from=H, /tx/HASH, /supply; POST /tx' });
    } catch (e) {
      if (e instanceof ProtocolError) return send(res, e.code === 'HTTP_BODY_TOO_LARGE' ? 413 : e.code === 'MEMPOOL_BUSY' ? 503 : 400, { error: e.code, message: e.detail });
      if (isInputError(e)) return send(res, 400, { error: 'BAD_REQUEST', message: (e as Error).message });
      return send(res, 500, { error: 'INTERNAL', message: 'the node failed; see its log' });
    }
  }), port, host);
}

/** Largest POST /tx body: a transaction of the protocol's largest size, as hex. */
const MAX_TX_BODY = 2 * (1 << 20) + 16;

/** The local network's exchange agent, as network.json describes it to wallets. */
export interface LocalAgentInfo {
  readonly address: string;
  readonly peer: string;
  readonly http: string;
}

export function serveHttp(params: { port: number; node: Node; validators: readonly { status(): Promise<NodeStatus> }[]; faucet: Faucet; network: NetworkFile; bootstrap: string[]; agent?: () => LocalAgentInfo | undefined }): Promise<HttpServer> {
  const { node, validators, faucet, network, bootstrap } = params;
  const perAddress = new RateLimit(ADDRESS_WINDOW_MS, 1);
  const perClient = new RateLimit(CLIENT_WINDOW_MS, CLIENT_LIMIT);
  const server = createServer(async (req, res) => {
    try {
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      if (req.method === 'OPTIONS' || path === '/favicon.ico') return send(res, 204, null); // a browser viewing /status asks for an icon
      if (req.method === 'GET' && path === '/status') {
        const local = await Promise.all(validators.map((v) => v.status().catch((e: Error) => ({ error: e.message }))));
        return send(res, 200, { ...nodeStatus(node), local });
      }
      if (req.method === 'GET' && path === '/network.json') return send(res, 200, { ...network, bootstrap, ...(params.agent?.() ? { agent: params.agent() } : {}) });
      if (req.method === 'POST' && path === '/faucet') {
        let address: unknown;
        try {
          address = JSON.parse(await readBody(req)).address;
        } catch (e) {
          if (e instanceof ProtocolError) return send(res, 413, { error: e.code, message: e.detail });
          return send(res, 400, { error: 'BAD_REQUEST', message: 'send JSON: {"address": "A..."}' });
        }
        if (typeof address !== 'string') return send(res, 400, { error: 'BAD_REQUEST', message: 'send JSON: {"address": "A..."}' });
        let to: Uint8Array;
        try {
          to = addressToScriptHash(address, node.settings.addressVersion);
        } catch (e) {
          return send(res, 400, { error: 'BAD_ADDRESS', message: e instanceof Error ? e.message : 'not an address' });
        }
        if (!perClient.take(req.socket.remoteAddress ?? '?')) return send(res, 429, { error: 'RATE_LIMITED', message: `at most ${CLIENT_LIMIT} faucet requests a minute from one client` });
        if (!perAddress.take(address)) return send(res, 429, { error: 'RATE_LIMITED', message: 'this address got coins less than a minute ago' });
        let tx: string;
        try {
          tx = await faucet.request(to);
        } catch (e) {
          perAddress.refund(address);
          throw e;
        }
        return send(res, 200, { tx, antShare: formatFixed8(faucet.gift.antShare), antCoin: formatFixed8(faucet.gift.antCoin) });
      }
      return send(res, 404, { error: 'NOT_FOUND', message: 'GET /status, GET /network.json, POST /faucet' });
    } catch (e) {
      if (e instanceof ProtocolError && (e.code === 'FAUCET_DRY' || e.code === 'FAUCET_BUSY')) return send(res, 503, { error: e.code, message: e.detail });
      if (isInputError(e)) return send(res, 400, { error: (e as ProtocolError).code ?? 'BAD_REQUEST', message: (e as Error).message });
      return send(res, 500, { error: 'INTERNAL', message: 'the faucet failed; see the network log' });
    }
  });
  return listen(server, params.port);
}

function listen(server: ReturnType<typeof createServer>, port: number, host = '127.0.0.1'): Promise<HttpServer> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const address = server.address();
      const bound = typeof address === 'object' && address ? address.port : port;
      resolve({
        url: `http://${host}:${bound}`,
        close: () => new Promise<void>((r) => {
          server.closeAllConnections();
          server.close(() => r());
        }),
      });
    });
  });
}
