/**
 * The local network's faucet: gives a new address AntShare and AntCoin from the genesis holder's
 * account. Requests wait in a queue and go out together in one transaction per block (the holder
 * can only spend outputs that are already in a block), so many users are served at once and no
 * two faucet transactions ever spend the same output.
 */
import { FIXED8_ONE, formatFixed8, uintToString } from '../core/encoding/primitives.ts';
import { bytesToHex, hexToBytes } from '../core/encoding/bytes.ts';
import { ProtocolError } from '../core/encoding/errors.ts';
import { getPublicKey } from '../core/crypto/keys.ts';
import { scriptHash, singleKeyScript } from '../core/script/accounts.ts';
import { encodeTransaction, signTransaction, transactionHash, type Transaction } from '../core/tx/transaction.ts';
import { ANTCOIN_ID, ANTSHARE_ID } from '../core/block/genesis.ts';
import { byteFee } from '../core/state/settings.ts';
import type { Node } from '../core/node/node.ts';

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
  readonly #script: Uint8Array;
  readonly #from: Uint8Array;
  readonly #gift: FaucetGift;
  #queue: Request[] = [];
  /** The faucet transaction waiting for a block (hex hash), if any. */
  #pending: string | null = null;

  constructor(node: Node, holderKey: Uint8Array, gift: FaucetGift = DEFAULT_GIFT) {
    this.#node = node;
    this.#key = holderKey;
    this.#script = singleKeyScript(getPublicKey(holderKey));
    this.#from = scriptHash(this.#script);
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
    const ledger = this.#node.chain.ledger;
    const outputs: Transaction['outputs'] = [];
    for (const to of recipients) {
      outputs.push({ assetId: ANTSHARE_ID, value: this.#gift.antShare, scriptHash: to });
      outputs.push({ assetId: ANTCOIN_ID, value: this.#gift.antCoin, scriptHash: to });
    }
    const build = (fee: bigint): Transaction => {
      const inputs: Transaction['inputs'] = [];
      const change: Transaction['outputs'] = [];
      for (const [asset, need] of [[ANTSHARE_ID, this.#gift.antShare * BigInt(recipients.length)], [ANTCOIN_ID, this.#gift.antCoin * BigInt(recipients.length) + fee]] as const) {
        let got = 0n;
        for (const u of ledger.unspent(this.#from, asset)) {
          if (got >= need) break;
          inputs.push({ prevHash: u.txHash, prevIndex: u.index });
          got += u.output.value;
        }
        if (got < need) {
          throw new ProtocolError<FaucetErrorCode>('FAUCET_DRY', `the faucet holds ${formatFixed8(got)} of what ${recipients.length} gifts need (${formatFixed8(need)}); AntCoin comes with each block, try again shortly`, { asset: uintToString(asset) });
        }
        if (got > need) change.push({ assetId: asset, value: got - need, scriptHash: this.#from });
      }
      const unsigned: Transaction = { type: 'ContractTransaction', version: 0, attributes: [], inputs, outputs: [...outputs, ...change], witnesses: [] };
      return signTransaction(unsigned, [{ script: this.#script, keys: [this.#key] }]);
    };
    // The fee follows the size; a margin covers one more input the fee itself may need.
    const draft = build(0n);
    return build(byteFee(this.#node.settings, 'ContractTransaction', encodeTransaction(draft).length + 64));
  }
}
