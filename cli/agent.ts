/**
 * `ans agent`: an exchange agent on a network (docs/exchange.md): a peer of the network that takes
 * orders over libp2p and HTTP, announces itself, publishes its signed book, and settles one batch
 * per block, paying the chain's fees from its own AntCoin.
 *
 *   ans agent --key FILE --data DIR [--network DIR|URL] [--fee BPS] [--http PORT] [--listen ...] [--bootstrap ...]
 *   ans agent audit --agent ADDRESS [--data DIR] [--network DIR|URL] [--json]
 *       a peer of its own syncs the chain, finds the agent's announcement, fetches its signed book
 *       and replays it against every settlement of the agent in the blocks it validated; exit 0
 *       when nothing is found, 1 with the findings (core/exchange/audit.ts)
 *
 * Its HTTP endpoint (loopback unless --http-host):
 *   GET  /agent          the agent's address, fee, pairs and book size (JSON)
 *   GET  /book           its signed book (bytes; check it with readBook and its public key)
 *   POST /orders         a placed order (hex): {"id"} or {"error", "message"} with a 4xx status
 *   POST /orders/cancel  a cancel (hex): the same
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs, UsageError } from './args.ts';
import { out, cleanHex } from './output.ts';
import { readKey, stopSignal, DEFAULT_STATUS_URL, peerIdentity, readNetwork } from './network.ts';
import { settingsOf } from '../devnet/network.ts';
import { LevelStore } from '../core/store/level.node.ts';
import { Node } from '../core/node/node.ts';
import { Agent, auditAgent } from '../core/node/agent.ts';
import { fetchBook } from '../core/p2p/orders.ts';
import { MemoryStore } from '../core/store/memory.ts';
import { prioritizeEventLoop } from '../core/node/priority.node.ts';
import { bytesToHex, hexToBytes } from '../core/encoding/bytes.ts';
import { ProtocolError } from '../core/encoding/errors.ts';
import { formatFixed8, uintToString } from '../core/encoding/primitives.ts';
import { addressFromScriptHash, addressToScriptHash, scriptHash, singleKeyScript } from '../core/script/accounts.ts';
import { MAX_FEE_BPS } from '../core/exchange/terms.ts';

const MAX_BODY = 200_000;

export async function agentCommand(argv: readonly string[]): Promise<number> {
  if (argv[0] === 'audit') return auditCommand(argv.slice(1));
  const args = parseArgs(argv, { options: ['network', 'data', 'key', 'fee', 'http', 'http-host', 'listen', 'bootstrap'], flags: ['child'] });
  if (args.positionals.length > 0) throw new UsageError(`unexpected ${args.positionals[0]}`);
  const keyFile = args.options.get('key');
  if (!keyFile) throw new UsageError("--key FILE is needed: the agent's key (it signs settlements and pays their fees)");
  const data = args.options.get('data');
  if (!data) throw new UsageError("--data DIR is needed: the folder of the agent's chain and book");
  const fee = Number(args.options.get('fee') ?? '10');
  if (!Number.isInteger(fee) || fee < 0 || fee > MAX_FEE_BPS) throw new UsageError(`--fee is in basis points, 0 to ${MAX_FEE_BPS} (10 is 0.1%)`);
  const network = await readNetwork(args.options.get('network') ?? DEFAULT_STATUS_URL);
  const settings = settingsOf(network);
  const list = (name: string) => (args.options.get(name) ?? '').split(',').map((a) => a.trim()).filter(Boolean);
  const dir = resolve(data);
  mkdirSync(join(dir, 'book'), { recursive: true });
  await prioritizeEventLoop();
  const node = await Node.start({
    settings, store: await LevelStore.open(join(dir, 'chain')), peerKey: await peerIdentity(dir),
    bootstrap: args.options.has('bootstrap') ? list('bootstrap') : network.bootstrap ?? [],
    listen: args.options.has('listen') ? list('listen') : ['/ip4/127.0.0.1/tcp/0/ws'],
  });
  const httpPort = args.options.get('http');
  const host = args.options.get('http-host') ?? '127.0.0.1';
  const server = httpPort === undefined ? undefined : createServer();
  const url = server ? await new Promise<string>((done) => server.listen(Number(httpPort), host, () => {
    const a = server.address();
    done(`http://${host}:${typeof a === 'object' && a ? a.port : httpPort}`);
  })) : '';
  const agent = await Agent.start({ node, key: readKey(keyFile), feeBps: fee, store: await LevelStore.open(join(dir, 'book')), http: url, log: (line) => out(line) });
  server?.on('request', (req, res) => void handle(agent, req, res));
  const address = addressFromScriptHash(agent.scriptHash);
  if (args.flags.has('child')) out(JSON.stringify({ address, peer: node.peer.id, addresses: node.peer.addresses(), http: url }));
  else {
    out(`Agent ${address} (fee ${fee / 100}%), peer ${node.peer.id} at height ${node.height}${url ? `, orders at ${url}/orders` : ''}`);
    const coins = node.chain.ledger.balance(agent.scriptHash, (await import('../core/block/genesis.ts')).ANTCOIN_ID);
    out(`It pays settlements' fees from its AntCoin: ${formatFixed8(coins)} now${coins === 0n ? ' (send it some: it cannot settle without)' : ''}.`);
  }
  if (args.flags.has('child')) {
    // Started by a local network: stop when it closes our standard input (or is gone).
    await new Promise<void>((done) => {
      process.stdin.on('end', done).on('close', done).resume();
      void stopSignal({ withParent: true }).then(() => done());
    });
    process.stdin.destroy();
  } else await stopSignal();
  await agent.stop();
  await new Promise<void>((done) => (server ? server.close(() => done()) : done()));
  await node.stop();
  return 0;
}

async function handle(agent: Agent, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const send = (status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'access-control-allow-origin': '*', 'access-control-allow-headers': 'content-type', 'cache-control': 'no-store' });
    res.end(JSON.stringify(body) + '\n');
  };
  try {
    const path = new URL(req.url ?? '/', 'http://agent').pathname;
    if (req.method === 'OPTIONS') return send(204, {});
    if (req.method === 'GET' && path === '/agent') {
      return send(200, {
        address: addressFromScriptHash(agent.scriptHash), publicKey: bytesToHex(agent.publicKey), feeBps: agent.terms.feeBps, peer: agent.node.peer.id,
        pairs: agent.book.pairs().map((p) => ({ asset: uintToString(p.assetId), valueAsset: uintToString(p.valueAssetId) })), orders: agent.book.size, height: agent.node.height,
      });
    }
    if (req.method === 'GET' && path === '/book') {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'access-control-allow-origin': '*', 'cache-control': 'no-store' });
      res.end(agent.bookBytes());
      return;
    }
    if (req.method === 'POST' && (path === '/orders' || path === '/orders/cancel')) {
      const text = await body(req);
      let bytes: Uint8Array;
      try {
        bytes = hexToBytes(cleanHex(text));
      } catch {
        return send(400, { error: 'EXCHANGE_MALFORMED', message: 'the body is the order (or cancel) as hex' });
      }
      const id = path === '/orders' ? await agent.place(bytes) : await agent.cancel(bytes);
      return send(200, { id });
    }
    return send(404, { error: 'NOT_FOUND', message: 'GET /agent, GET /book, POST /orders, POST /orders/cancel' });
  } catch (e) {
    if (e instanceof ProtocolError) return send(400, { error: e.code, message: e.message });
    return send(500, { error: 'INTERNAL', message: (e as Error).message });
  }
}

async function body(req: IncomingMessage): Promise<string> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > MAX_BODY) throw new ProtocolError('HTTP_BODY_TOO_LARGE', `a request body is at most ${MAX_BODY} bytes`, {});
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function auditCommand(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, { options: ['agent', 'data', 'network', 'bootstrap', 'wait'], flags: ['json'] });
  const address = args.options.get('agent');
  if (!address) throw new UsageError('--agent ADDRESS is needed: the agent to audit');
  let agentHash: Uint8Array;
  try {
    agentHash = addressToScriptHash(address);
  } catch (e) {
    throw new UsageError(`not an address: ${address} (${(e as Error).message})`);
  }
  const network = await readNetwork(args.options.get('network') ?? DEFAULT_STATUS_URL);
  const settings = settingsOf(network);
  const dir = args.options.get('data');
  const store = dir ? await LevelStore.open(resolve(dir)) : new MemoryStore();
  const bootstrap = args.options.has('bootstrap') ? (args.options.get('bootstrap') ?? '').split(',').filter(Boolean) : network.bootstrap ?? [];
  const node = await Node.start({ settings, store, bootstrap, listen: [] });
  try {
    const waitMs = Number(args.options.get('wait') ?? '30') * 1000;
    const end = Date.now() + waitMs;
    let found = node.agents().find((a) => bytesToHex(scriptHash(singleKeyScript(a.publicKey))) === bytesToHex(agentHash));
    while (!found && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 250));
      found = node.agents().find((a) => bytesToHex(scriptHash(singleKeyScript(a.publicKey))) === bytesToHex(agentHash));
    }
    if (!found) throw new UsageError(`no announcement of agent ${address} heard in ${waitMs / 1000} s: is it running on this network?`);
    // The chain up to the height the agent speaks at, at least.
    while (node.height < found.height && Date.now() < end + waitMs) await new Promise((r) => setTimeout(r, 250));
    // The agent's own addresses, from its signed announcement: its book comes straight from it.
    if (!node.peer.connections().includes(found.peer)) {
      let reached = false;
      for (const a of found.addresses) {
        reached = await node.peer.dial(a, 10_000).then(() => true, () => false);
        if (reached) break;
      }
      if (!reached) throw new UsageError(`agent ${address} announced ${found.addresses.join(', ') || 'no address'}, and none answers`);
    }
    const bytes = await fetchBook(node.peer, settings.magic, found.peer);
    const { book, findings, settlements } = await auditAgent(node.chain, bytes, found.publicKey, found.feeBps);
    if (args.flags.has('json')) out(JSON.stringify({ agent: address, height: node.height, bookHeight: book.height, settlements, findings }, null, 2));
    else {
      out(`Agent ${address}: book at block ${book.height} (${book.orders.length} standing orders, ${book.splits.length} split orders, ${book.cancels.length} cancels), ${settlements} settlements on chain up to block ${node.height}`);
      out(findings.length ? findings.map((f) => `- ${f.kind}: ${f.message}`).join('\n') : 'nothing found: every fill at its batch price within the fee its client signed, none after a cancel or expiry, none unpublished, no crossing orders left standing');
    }
    return findings.length ? 1 : 0;
  } finally {
    await node.stop();
  }
}
