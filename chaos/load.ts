/**
 * Transfers offered throughout a fault run, and the invariants checked after each step.
 *
 * An observer (a Node peer of the network in this process, not validating) follows the chain; a
 * set of accounts funded by the genesis holder sends AntShare to each other, each signed here and
 * submitted over HTTP (POST /tx) to a random running host, so that submissions go through the
 * processes under test. Every transfer's fate is kept: refused (and why), final (at which height,
 * in which block), or still waiting.
 *
 * Checks, against every host that answers: one chain (every block hash at every height the same as
 * first seen anywhere: no fork, and so no final transaction undone), each final transfer still in the
 * observer's chain, and the native assets' supply conserved (units held = units issued).
 */
import { join } from 'node:path';
import { bytesToHex } from '../core/encoding/bytes.ts';
import { FIXED8_ONE, parseFixed8, uintToString } from '../core/encoding/primitives.ts';
import { generatePrivateKey, getPublicKey } from '../core/crypto/keys.ts';
import { scriptHash, singleKeyScript } from '../core/script/accounts.ts';
import { encodeTransaction, transactionHash } from '../core/tx/transaction.ts';
import { ANTCOIN_ID, ANTSHARE_ID } from '../core/block/genesis.ts';
import { LevelStore } from '../core/store/level.node.ts';
import { Node } from '../core/node/node.ts';
import { settingsOf } from '../devnet/network.ts';
import { payment } from '../devnet/payment.ts';
import { readFileSync } from 'node:fs';
import { getJson, type Cluster, type Host } from './cluster.ts';

interface Account {
  readonly key: Uint8Array;
  readonly hash: Uint8Array;
  /** A transfer of it waiting to be final (hex hash, its bytes), since when, and when last sent. */
  pending?: { tx: string; bytes: Uint8Array; at: number; sentAt: number };
}

export interface Transfer {
  readonly submittedAt: number;
  readonly host: string;
  finalAt?: number;
  height?: number;
}

export class Load {
  readonly observer: Node;
  readonly #cluster: Cluster;
  readonly #accounts: Account[];
  readonly #random: () => number;
  readonly transfers = new Map<string, Transfer>();
  readonly refused = new Map<string, number>();
  /** Transfers not made because their account could not pay the fee (the load ran dry). */
  dry = 0;
  /** Block hashes by height, as first seen on any host. */
  readonly #hashes: string[] = [];
  readonly #bannedSeen = new Set<string>();
  #timer: ReturnType<typeof setInterval> | undefined;
  #busy = false;

  private constructor(observer: Node, cluster: Cluster, accounts: Account[], random: () => number) {
    this.observer = observer;
    this.#cluster = cluster;
    this.#accounts = accounts;
    this.#random = random;
    observer.onTip(() => this.#noteFinal());
  }

  /** Starts the observer and funds `accounts` accounts from the genesis holder (waits for the block). */
  static async start(cluster: Cluster, random: () => number, accounts = 40): Promise<Load> {
    const settings = settingsOf(JSON.parse(readFileSync(join(cluster.dir, 'network.json'), 'utf8')));
    const observer = await Node.start({ settings, store: await LevelStore.open(join(cluster.dir, 'observer')), listen: [], bootstrap: cluster.hosts.map((h) => h.address) });
    const made: Account[] = Array.from({ length: accounts }, () => {
      const key = generatePrivateKey();
      return { key, hash: scriptHash(singleKeyScript(getPublicKey(key))) };
    });
    const load = new Load(observer, cluster, made, random);
    await load.#fund();
    return load;
  }

  async #fund(): Promise<void> {
    const ledger = this.observer.chain.ledger;
    const outputs = this.#accounts.flatMap((a) => [
      { assetId: ANTSHARE_ID, value: 1000n * FIXED8_ONE, scriptHash: a.hash },
      // A transfer's byte fee is about 0.003 AntCoin on the devnet: 3 AntCoin pay for ~1,000 each.
      { assetId: ANTCOIN_ID, value: parseFixed8('3'), scriptHash: a.hash },
    ]);
    for (;;) {
      try {
        const tx = payment({ ledger, settings: this.observer.settings, key: this.#cluster.faucetKey, outputs });
        const hash = bytesToHex(transactionHash(tx));
        await this.submitAnywhere(encodeTransaction(tx));
        const deadline = Date.now() + 60_000;
        while (!ledger.txs.has(hash) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
        if (ledger.txs.has(hash)) return;
      } catch (e) {
        if ((e as { code?: string }).code !== 'PAYMENT_FUNDS_LOW') throw e;
        await new Promise((r) => setTimeout(r, 1000)); // the holder's first block rewards
      }
    }
  }

  /** Posts a transaction to a running host (a random one first); throws the refusal (with its code) or, when none answered, the last failure. */
  async submitAnywhere(bytes: Uint8Array): Promise<string> {
    const hosts = this.#cluster.hosts.filter((h) => h.running).sort(() => this.#random() - 0.5);
    let last: Error = new Error('no host is running');
    for (const h of hosts) {
      try {
        await postTx(h, bytes);
        return h.name;
      } catch (e) {
        last = e as Error;
        if ((e as { code?: string }).code) throw e; // refused by the rules: another host would refuse it too
      }
    }
    throw last;
  }

  /** Offers `perSecond` transfers a second from now on (0 stops). */
  offer(perSecond: number): void {
    clearInterval(this.#timer);
    if (perSecond > 0) this.#timer = setInterval(() => void this.#tick(), 1000 / perSecond);
  }

  async #tick(): Promise<void> {
    if (this.#busy) return;
    this.#busy = true;
    try {
      const now = Date.now();
      const ledger = this.observer.chain.ledger;
      // A transfer not final after a minute is given up on (its node may have died holding it):
      // its account may spend the same outputs again, and only one of the two can become final.
      const ready = this.#accounts.filter((a) => !a.pending || now - a.pending.at > 60_000);
      // As a wallet does: a transfer not final after 10 s is sent again (the pool that held it may
      // have died with its node); the same bytes, so at most one of them can ever be final.
      const stale = this.#accounts.find((a) => a.pending && now - a.pending.at <= 60_000 && now - a.pending.sentAt > 10_000);
      if (stale?.pending) {
        stale.pending.sentAt = now;
        await this.submitAnywhere(stale.pending.bytes).catch(() => {}); // known, final, or refused: its fate is read from the chain
      }
      if (ready.length === 0) return;
      const from = ready[Math.floor(this.#random() * ready.length)];
      const to = this.#accounts[Math.floor(this.#random() * this.#accounts.length)];
      let tx;
      try {
        tx = payment({ ledger, settings: this.observer.settings, key: from.key, outputs: [{ assetId: ANTSHARE_ID, value: FIXED8_ONE, scriptHash: to.hash }] });
      } catch (e) {
        // Its last transfer is final but the observer has not applied the block yet; or it is dry.
        if ((e as { code?: string }).code === 'PAYMENT_FUNDS_LOW') this.dry++;
        return;
      }
      const hash = bytesToHex(transactionHash(tx));
      const bytes = encodeTransaction(tx);
      try {
        const host = await this.submitAnywhere(bytes);
        from.pending = { tx: hash, bytes, at: now, sentAt: now };
        this.transfers.set(hash, { submittedAt: now, host });
      } catch (e) {
        const code = (e as { code?: string }).code ?? 'NO_HOST';
        this.refused.set(code, (this.refused.get(code) ?? 0) + 1);
      }
    } finally {
      this.#busy = false;
    }
  }

  #noteFinal(): void {
    const ledger = this.observer.chain.ledger;
    const now = Date.now();
    for (const [hash, t] of this.transfers) {
      if (t.height !== undefined) continue;
      const found = ledger.txs.get(hash);
      if (found) {
        t.height = found.height;
        t.finalAt = now;
      }
    }
    for (const a of this.#accounts) if (a.pending && this.transfers.get(a.pending.tx)?.height !== undefined) a.pending = undefined;
  }

  /** Transfers offered, final, and refused so far. */
  counts(): { offered: number; final: number; waiting: number; refused: number } {
    let final = 0;
    for (const t of this.transfers.values()) if (t.height !== undefined) final++;
    const refused = [...this.refused.values()].reduce((a, b) => a + b, 0);
    return { offered: this.transfers.size + refused, final, waiting: this.transfers.size - final, refused };
  }

  /**
   * The invariants, against every host that answers: the block hash at each height is the one
   * first seen anywhere (no fork; what was final stays final); each final transfer is still in
   * the observer's chain at its height; units held equal units issued for both native assets.
   * Returns the problems found (none: []), and the heights compared.
   */
  async check(): Promise<{ problems: string[]; heights: Record<string, number> }> {
    const problems: string[] = [];
    const heights: Record<string, number> = {};
    for (const h of this.#cluster.hosts) {
      if (!h.running) continue;
      const from = Math.max(0, this.#hashes.length - 50); // the recent heights; older ones were compared before
      const got = await getJson<{ from: number; hashes: string[] }>(`${h.statusUrl}/hashes?from=${from}`);
      if (!got) continue;
      heights[h.name] = got.from + got.hashes.length - 1;
      got.hashes.forEach((hash, i) => {
        const height = got.from + i;
        const known = this.#hashes[height];
        if (known === undefined) this.#hashes[height] = hash;
        else if (known !== hash) problems.push(`fork: ${h.name} has ${hash.slice(0, 16)} at height ${height}, ${known.slice(0, 16)} was seen first`);
      });
      // No honest peer is ever banned (a ban of one would cut the network apart).
      const status = await h.status();
      for (const ban of status?.bans ?? []) {
        const honest = this.#cluster.hosts.find((x) => x.id === ban.peer) ?? (ban.peer === this.observer.peer.id ? { name: 'the observer' } : undefined);
        if (honest && !this.#bannedSeen.has(`${h.name} ${ban.peer} ${ban.at}`)) {
          this.#bannedSeen.add(`${h.name} ${ban.peer} ${ban.at}`);
          problems.push(`${h.name} banned ${honest.name}, an honest peer: ${ban.reason}`);
        }
      }
      const supply = await getJson<{ antShare: { held: string; issued: string }; antCoin: { held: string; issued: string } }>(`${h.statusUrl}/supply`);
      if (supply && (supply.antShare.held !== supply.antShare.issued || supply.antCoin.held !== supply.antCoin.issued)) {
        problems.push(`supply: ${h.name} holds ${JSON.stringify(supply)}`);
      }
    }
    for (const ban of this.observer.peer.bans) {
      const honest = this.#cluster.hosts.find((x) => x.id === ban.peer);
      if (honest && !this.#bannedSeen.has(`observer ${ban.peer} ${ban.at}`)) {
        this.#bannedSeen.add(`observer ${ban.peer} ${ban.at}`);
        problems.push(`the observer banned ${honest.name}, an honest peer: ${ban.reason}`);
      }
    }
    // The observer's own chain against the hashes seen (it is a host too, in this process).
    const ledger = this.observer.chain.ledger;
    for (let height = Math.max(0, ledger.height - 50); height <= ledger.height; height++) {
      const record = ledger.headers.get(height.toString(16).padStart(8, '0'));
      const known = this.#hashes[height];
      if (record && known !== undefined && uintToString(record.hash) !== known) problems.push(`fork: the observer has another block at height ${height}`);
    }
    for (const [hash, t] of this.transfers) {
      if (t.height === undefined) continue;
      const found = ledger.txs.get(hash);
      if (!found || found.height !== t.height) problems.push(`final transfer ${hash.slice(0, 16)} (height ${t.height}) is no longer in the chain`);
    }
    return { problems, heights };
  }

  /** The highest height any host reports (the observer's too). */
  async best(): Promise<number> {
    const statuses = await this.#cluster.statuses();
    return Math.max(this.observer.height, ...[...statuses.values()].map((s) => s.height));
  }

  async stop(): Promise<void> {
    this.offer(0);
    await this.observer.stop();
  }
}

/** POST /tx to a host; a refusal by the rules throws an error with the code, anything else a plain error. */
export async function postTx(host: Host, bytes: Uint8Array): Promise<void> {
  let res: Response;
  try {
    res = await fetch(`${host.statusUrl}/tx`, { method: 'POST', body: bytesToHex(bytes), signal: AbortSignal.timeout(5000) });
  } catch (e) {
    // Not an answer (down, cut off, too slow): another host may take it. No code, so not a refusal.
    throw new Error(`${host.name} did not answer: ${(e as Error).message}`);
  }
  if (res.ok) return;
  const body = (await res.json().catch(() => ({}))) as { error?: string; message?: string };
  const error = new Error(`${host.name} refused: ${body.error} ${body.message}`) as Error & { code?: string };
  if (res.status === 400 || res.status === 503) error.code = body.error;
  throw error;
}
