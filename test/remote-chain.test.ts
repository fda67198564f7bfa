/**
 * The page's end of the chain worker (core/state/remote-chain.ts) against a stand-in worker that
 * answers as chain-worker.ts does: deltas replayed in order, errors rebuilt with their class and
 * code, and a failure that stops the chain reported once and given to every later request. The
 * real worker, with IndexedDB, is tested in Chromium (e2e/state-in-chromium.e2e.ts).
 */
import { describe, expect, it } from 'vitest';
import { bytesToHex } from '../core/encoding/index.ts';
import { ProtocolError } from '../core/encoding/errors.ts';
import { decodeBlock, encodeBlock } from '../core/block/index.ts';
import { Ledger, StoreError, encodeDelta } from '../core/state/index.ts';
import { RemoteChain, type ChainReply, type ChainRequest } from '../core/state/remote-chain.ts';
import { grow, newHistory } from './history.ts';

/** Answers like the chain worker, from a ledger of its own; `failWith` makes the next `add` fail. */
class StandInWorker extends EventTarget {
  readonly ledger: Ledger;
  failWith: ChainReply | undefined;

  constructor(ledger: Ledger) {
    super();
    this.ledger = ledger;
  }

  #reply(reply: ChainReply): void {
    queueMicrotask(() => this.dispatchEvent(new MessageEvent('message', { data: reply })));
  }

  postMessage(request: ChainRequest): void {
    if (request.op === 'open') return this.#reply({ id: request.id, op: 'opened', height: this.ledger.height, chunks: this.ledger.snapshot() });
    if (request.op === 'add' && this.failWith) return this.#reply({ ...this.failWith, id: request.id });
    if (request.op === 'add') return void this.#add(request.id, request.blocks);
    this.#reply({ id: request.id, op: 'done' });
  }

  /** Applies the blocks here, sending each delta, then done: as the worker does after checking them. */
  async #add(id: number, blocks: Uint8Array[]): Promise<void> {
    for (const bytes of blocks) {
      const delta = await this.ledger.applyBlock(decodeBlock(bytes));
      this.#reply({ id, op: 'deltas', deltas: [encodeDelta(delta)] });
    }
    this.#reply({ id, op: 'done' });
  }
}

describe('the chain in a worker, seen from the page', () => {
  it('replays deltas, rebuilds errors, and reports a stopped chain once', async () => {
    const history = newHistory(77);
    await grow(history, 77, 6);
    const worker = new StandInWorker(Ledger.fromSnapshot(history.net.settings, newHistory(77).net.ledger.snapshot()));
    const failures: Error[] = [];
    const chain = await RemoteChain.open(worker as unknown as Worker, 'db', history.net.settings, { onFailure: (e) => failures.push(e) });
    expect(chain.height).toBe(0);
    // The worker applies each block and sends its delta while the page waits: the copy follows.
    const heights: number[] = [];
    await chain.addBlocks([encodeBlock(history.blocks[0]), encodeBlock(history.blocks[1])], { onBlock: (h) => heights.push(h) });
    expect(heights).toEqual([1, 2]);
    expect(chain.height).toBe(2);
    expect(bytesToHex(chain.ledger.stateHash())).toBe(bytesToHex(worker.ledger.stateHash()));
    // A rule broken: the error keeps its class and code (the sender gets the blame); the chain goes on.
    worker.failWith = { id: 0, op: 'failed', error: { name: 'ProtocolError', message: 'BLOCK_HEIGHT_WRONG: expected height 3, got 4', code: 'BLOCK_HEIGHT_WRONG', detail: 'expected height 3, got 4', data: { expected: 3 } } };
    const refused = await chain.addBlocks([encodeBlock(history.blocks[3])]).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ProtocolError);
    expect(refused).toMatchObject({ code: 'BLOCK_HEIGHT_WRONG', data: { expected: 3 } });
    expect(failures).toEqual([]);
    // A write refused: the chain stops, the page hears it once, and every later request fails the same way.
    worker.failWith = { id: 0, op: 'failed', error: { name: 'StoreError', message: 'QuotaExceededError: the disk is full' } };
    await expect(chain.addBlocks([encodeBlock(history.blocks[2])])).rejects.toBeInstanceOf(StoreError);
    await expect(chain.flush()).rejects.toThrow('the disk is full');
    await expect(chain.blockBytes(1)).rejects.toBeInstanceOf(StoreError);
    expect(failures.map((e) => e.message)).toEqual(['QuotaExceededError: the disk is full']);
    expect(chain.height).toBe(2);
  });
});
