/**
 * The local network's faucet: gives a new address AntShare and AntCoin from the genesis holder's
 * account. Requests wait in a queue and go out together in one transaction per block (the holder
 * can only spend outputs that are already in a block), so many users are served at once and no
 * two faucet transactions ever spend the same output.
 */
import { FIXED8_ONE, uintToString } from '../core/encoding/primitives.ts';
import { bytesToHex, hexToBytes } from '../core/encoding/bytes.ts';
import { ProtocolError } from '../core/encoding/errors.ts';
import { transactionHash, type Transaction } from '../core/tx/transaction.ts';
import { ANTCOIN_ID, ANTSHARE_ID } from '../core/block/genesis.ts';
import type { Node } from '../core/node/node.ts';
import { payment } from './payment.ts';

export interface FaucetGift {
  readonly antShare: bigint;
  readonly antCoin: bigint;
}

export const DEFAULT_GIFT: FaucetGift = { antShare: 100n * FIXED8_ONE, antCoin: 10n * FIXED8_ONE };
/** Most addresses served by one transaction. */
const BATCH = 200;
/** Most requests waiting. */
const QUEUE = 2000;

export type FaucetErrorCode = 'FAUCET_BUSY' | 'FAUCET_DRY';

interface Request {
  readonly to: Uint8Array;
  readonly resolve: (tx: string) => void;
  readonly reject: (e: Error) => void;
}

export class Faucet {
  readonly #node: Node;
  readonly #key: Uint8Array;
  readonly #gift: FaucetGift;
  #queue: Request[] = [];
  /** The faucet transaction waiting for a block (hex hash), if any. */
  #pending: string | null = null;

  constructor(node: Node, holderKey: Uint8Array, gift: FaucetGift = DEFAULT_GIFT) {
    this.#node = node;
    this.#key = holderKey;
    this.#gift = gift;
    node.onTip(() => this.#flush());
  }

  get gift(): FaucetGift {
    return this.#gift;
  }

  /** Sends the gift to `to` (a script hash) in the next batch; resolves with the transaction's hash once it is in the mempool. */
  request(to: Uint8Array): Promise<string> {
    if (this.#queue.length >= QUEUE) return Promise.reject(new ProtocolError<FaucetErrorCode>('FAUCET_BUSY', 'the faucet has too many requests waiting; try again in a minute', {}));
    return new Promise((resolve, reject) => {
      this.#queue.push({ to, resolve, reject });
      this.#flush();
    });
  }

  #flush(): void {
    const ledger = this.#node.chain.ledger;
    if (this.#pending !== null) {
      if (!ledger.txs.has(this.#pending) && this.#node.mempool.has(hexToBytes(this.#pending))) return; // still waiting for its block
      this.#pending = null;
    }
    if (this.#queue.length === 0) return;
    const batch = this.#queue.splice(0, BATCH);
    let tx: Transaction;
    try {
      tx = this.#build(batch.map((r) => r.to));
    } catch (e) {
      for (const r of batch) r.reject(e as Error);
      return;
    }
    const hash = uintToString(transactionHash(tx));
    this.#pending = bytesToHex(transactionHash(tx));
    this.#node.submit(tx).then(
      () => batch.forEach((r) => r.resolve(hash)),
      (e) => {
        this.#pending = null;
        batch.forEach((r) => r.reject(e));
      },
    );
  }

  #build(recipients: Uint8Array[]): Transaction {
    const outputs = recipients.flatMap((to) => [
      { assetId: ANTSHARE_ID, value: this.#gift.antShare, scriptHash: to },
      { assetId: ANTCOIN_ID, value: this.#gift.antCoin, scriptHash: to },
    ]);
    try {
      return payment({ ledger: this.#node.chain.ledger, settings: this.#node.settings, key: this.#key, outputs });
    } catch (e) {
      if (!(e instanceof ProtocolError) || e.code !== 'PAYMENT_FUNDS_LOW') throw e;
      throw new ProtocolError<FaucetErrorCode>('FAUCET_DRY', `the faucet cannot pay ${recipients.length} gift(s) now: ${e.detail}; AntCoin comes with each block, try again shortly`, e.data);
    }
  }
}
