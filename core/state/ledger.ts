/**
 * The ledger: the state the blocks produce (docs/protocol.md; whitepaper chapters 3-5), held in
 * journaled tables in memory. `applyBlock` checks a block against every rule and, if it passes,
 * changes the tables and returns the block's delta (what the store writes, and what rolls the
 * block back); a block that breaks a rule changes nothing.
 *
 * Blocks are sets: a transaction may spend an output made anywhere in its block (the consensus
 * orders transactions by the block random number, so an order-dependent rule would make valid
 * batches fail by chance). Assets and candidates a transaction refers to come from earlier blocks.
 */
import { bytesToHex, equalBytes, hexToBytes } from '../encoding/bytes.ts';
import { ProtocolError } from '../encoding/errors.ts';
import { FIXED8_ONE, decodeStrict, uintToString } from '../encoding/primitives.ts';
import { hash256 } from '../crypto/hash.ts';
import { defaultVerifier, type SignatureVerifier } from '../crypto/ecdsa.ts';
import { allInputs, checkTransaction as checkStateless, messageHash, verifyWitnesses, signingMessage, witnessesSize, type Transaction } from '../tx/transaction.ts';
import { checkBlock, type Block, type CheckedBlock } from '../block/block.ts';
import { merkleRoot } from '../block/merkle.ts';
import { blockHash, checkHeaderWitnessScript, verifyHeaderSignatures } from '../block/header.ts';
import { ANTCOIN_ID, ANTSHARE_ID, consensusThreshold, nextMinerOf } from '../block/genesis.ts';
import { compressPublicKey } from '../crypto/keys.ts';
import { participationAttribute } from '../tx/miner.ts';
import { assetHex, heightKey, outpointKey } from './keys.ts';
import { stateError } from './errors.ts';
import { genesisOf, type NetworkSettings } from './settings.ts';
import {
  AssetRecord, CandidateRecord, HeaderRecord, Journal, MetaRecord, SeatRecord, SnapshotChunk, SplitRecord, Table, VoteRecord, type Delta, type HistoryRecord, type TxRecord, type Utxo,
} from './tables.ts';
import { drawHolder, newAntCoin } from './antcoin.ts';
import { encodeSnapshotChunk, historyCodec, schemaCodec, txCodec, utxoCodec } from './codecs.ts';
import { ABSENCE_BLOCKS, EXCLUSION_BLOCKS, electValidators } from './election.ts';
import type { BlockContext, TxContext } from './rules/context.ts';
import { applyOutputs, applySpends, checkSignersPresent, checkValueAndFees, collectSigners, resolveInputs, sumFlows } from './rules/common.ts';
import { applyRegister, checkRegister } from './rules/register.ts';
import { applyIssue, checkIssue } from './rules/issue.ts';
import { applyEnrollment, checkEnrollment } from './rules/enrollment.ts';
import { applyVoting, checkVoting } from './rules/voting.ts';
import { checkMiner, checkMinerParticipation, expectedMinerOutputs } from './rules/miner.ts';
import { applyAgency, checkAgency } from './rules/agency.ts';
import { expandOrder, verifyOrder } from '../tx/order.ts';

const TIP = 'tip';

/**
 * Checks that every transaction witness of a block verifies (not whose it is: the ledger checks
 * that). Needs no ledger, so a syncing node starts it for the next block while applying this one.
 */
export function verifyBlockWitnesses(block: Block, messages: readonly Uint8Array[], verifier: SignatureVerifier = defaultVerifier()): Promise<unknown> {
  return Promise.all(block.transactions.slice(1).map((tx, i) => verifyAllWitnesses(tx, messages[i + 1], verifier)));
}

/**
 * Every signature of a block, header and transactions, with nothing from the ledger: a sync
 * starts it for blocks ahead and hands it to `applyBlock`, which checks the rest (that the
 * header's script is the expected nextMiner, that the witnesses are of the right accounts).
 */
export function verifyBlockSignatures(block: Block, messages: readonly Uint8Array[], verifier: SignatureVerifier = defaultVerifier()): Promise<unknown> {
  return Promise.all([verifyHeaderSignatures(block, verifier), verifyBlockWitnesses(block, messages, verifier)]);
}

/**
 * A transaction's witnesses, and for an AgencyTransaction its orders' (each signed by its client
 * alone). An order without a witness continues a split order: the ledger's rules check that it is
 * one (rules/agency.ts), as they need the state.
 */
async function verifyAllWitnesses(tx: Transaction, message: Uint8Array, verifier: SignatureVerifier): Promise<void> {
  if (tx.type === 'AgencyTransaction') {
    await Promise.all(tx.orders.map(async (o, i) => {
      if (o.witnesses.length === 0) return;
      try {
        await verifyOrder(expandOrder(tx, o), verifier);
      } catch (e) {
        throw e instanceof ProtocolError ? e.with({ order: i }) : e;
      }
    }));
  }
  await verifyWitnesses(tx, undefined, verifier, message);
}

/** An account's units of one asset: one object, in its account's holdings and in its asset's holders. */
export interface Holding {
  readonly scriptHash: Uint8Array;
  units: bigint;
}

/** What the ledger knows of an account, derived from its unspent outputs. */
export interface AccountIndex {
  /** Holdings by asset (raw hex); none of zero units. */
  readonly holdings: Map<string, Holding>;
  /** Its unspent outpoint keys. */
  readonly outputs: Set<string>;
}

export class Ledger {
  readonly settings: NetworkSettings;
  readonly #journal = new Journal();
  /**
   * What the last `prepareBlock` checked: if the next block applied is that very block (the
   * same transaction objects, at the same tip), its rules are not run a second time.
   */
  #prepared: { hash: Uint8Array; transactions: readonly Transaction[]; ctx: BlockContext; txCtxs: TxContext[] } | undefined;
  #reusedChecks = 0;
  readonly utxos: Table<Utxo>;
  readonly txs: Table<TxRecord>;
  readonly assets: Table<AssetRecord>;
  readonly candidates: Table<CandidateRecord>;
  readonly votes: Table<VoteRecord>;
  readonly headers: Table<HeaderRecord>;
  readonly history: Table<HistoryRecord>;
  readonly meta: Table<MetaRecord>;
  /** Elected candidates' seats: when each took its seat, last dealt, may be elected again (election.ts). */
  readonly seats: Table<SeatRecord>;
  /** Split orders left standing by AgencyTransactions (tables.ts, SplitRecord). */
  readonly splits: Table<SplitRecord>;
  readonly #tables: Table<unknown>[];

  // Derived indexes, kept in step with the utxo table (never stored: rebuilt on load).
  /** Accounts (script hash hex) that hold unspent outputs. */
  readonly accounts = new Map<string, AccountIndex>();
  /** Holders of each asset (hex): account hex -> its holding (the object of `accounts`). */
  readonly holders = new Map<string, Map<string, Holding>>();
  /** The history table's keys of each account (hex), so that a wallet's page of history reads only its own. */
  readonly #historyKeys = new Map<string, Set<string>>();

  constructor(settings: NetworkSettings) {
    this.settings = settings;
    const j = this.#journal;
    this.utxos = new Table(1, 'utxos', utxoCodec, j);
    this.txs = new Table(2, 'txs', txCodec, j);
    this.assets = new Table(3, 'assets', schemaCodec(AssetRecord, 'AssetRecord'), j);
    this.candidates = new Table(4, 'candidates', schemaCodec(CandidateRecord, 'CandidateRecord'), j);
    this.votes = new Table(5, 'votes', schemaCodec(VoteRecord, 'VoteRecord'), j);
    this.headers = new Table(6, 'headers', schemaCodec(HeaderRecord, 'HeaderRecord'), j);
    this.history = new Table(7, 'history', historyCodec, j);
    this.meta = new Table(8, 'meta', schemaCodec(MetaRecord, 'MetaRecord'), j);
    this.seats = new Table(9, 'seats', schemaCodec(SeatRecord, 'SeatRecord'), j);
    this.splits = new Table(10, 'splits', schemaCodec(SplitRecord, 'SplitRecord'), j);
    this.#tables = [this.utxos, this.txs, this.assets, this.candidates, this.votes, this.headers, this.history, this.meta, this.seats, this.splits] as Table<unknown>[];
    this.utxos.onChange = (key, before, after) => {
      if (before) this.#index(key, before, false);
      if (after) this.#index(key, after, true);
    };
    this.history.onChange = (key, before, after) => {
      const account = key.slice(0, key.indexOf(':'));
      let keys = this.#historyKeys.get(account);
      if (after && !before) {
        if (!keys) this.#historyKeys.set(account, (keys = new Set()));
        keys.add(key);
      } else if (before && !after && keys) {
        keys.delete(key);
        if (keys.size === 0) this.#historyKeys.delete(account);
      }
    };
  }

  /** Keeps the derived indexes in step: in the common case three map operations per change. */
  #index(key: string, u: Utxo, add: boolean): void {
    const { account, asset } = u;
    let a = this.accounts.get(account);
    if (!a) this.accounts.set(account, (a = { holdings: new Map(), outputs: new Set() }));
    if (add) a.outputs.add(key);
    else a.outputs.delete(key);
    const held = a.holdings.get(asset);
    if (held) {
      held.units = add ? held.units + u.value : held.units - u.value;
      if (held.units === 0n) {
        a.holdings.delete(asset);
        this.holders.get(asset)!.delete(account);
      }
    } else {
      const holding = { scriptHash: u.scriptHash, units: add ? u.value : -u.value };
      a.holdings.set(asset, holding);
      let h = this.holders.get(asset);
      if (!h) this.holders.set(asset, (h = new Map()));
      h.set(account, holding);
    }
    if (a.outputs.size === 0 && a.holdings.size === 0) this.accounts.delete(account);
  }

  /** The tip record; throws before genesis. */
  get tip(): MetaRecord {
    const m = this.meta.get(TIP);
    if (!m) throw new RangeError('the ledger has no genesis yet');
    return m;
  }

  /** Height of the last applied block, -1 before genesis. */
  get height(): number {
    return this.meta.get(TIP)?.height ?? -1;
  }

  /** A ledger holding the network's genesis block. */
  static withGenesis(settings: NetworkSettings): { ledger: Ledger; genesis: Block; delta: Delta } {
    const ledger = new Ledger(settings);
    const genesis = genesisOf(settings);
    return { ledger, genesis, delta: ledger.applyGenesis(genesis) };
  }

  /**
   * Applies the genesis block, which must be the one the settings make. Its transactions are
   * taken as given (the native assets' registrations have no signer).
   */
  applyGenesis(block: Block): Delta {
    if (this.height !== -1) throw new RangeError('genesis goes into an empty ledger');
    const expected = genesisOf(this.settings);
    const hash = blockHash(block);
    if (!equalBytes(hash, blockHash(expected))) {
      throw stateError('BLOCK_PREV_HASH_WRONG', "this is not the network's genesis block", { expected: uintToString(blockHash(expected)), actual: uintToString(hash) });
    }
    this.#journal.clear();
    const ctx = this.#blockContext(0);
    const txCtxs = block.transactions.map((tx, i) => this.#txContext(ctx, tx, i, signingMessage(tx)));
    for (const c of txCtxs) {
      if (c.tx.type === 'RegisterTransaction') {
        this.assets.set(c.hashHex, {
          assetType: c.tx.assetType, name: c.tx.name, amount: c.tx.amount, precision: c.tx.precision, issuer: c.tx.issuer, admin: c.tx.admin,
          issued: c.tx.assetType === 'AntShare' ? c.tx.amount : 0n, height: 0,
        });
      }
      applyOutputs(c);
    }
    const validators = electValidators(this.#electionInput(0));
    this.headers.set(heightKey(0), { hash, timestamp: block.timestamp });
    this.meta.set(TIP, { height: 0, blockHash: hash, timestamp: block.timestamp, antCoinMinted: 0n, antCoinBurned: 0n, validators });
    return this.#takeDelta(0, hash);
  }

  #blockContext(height: number): BlockContext {
    return { height, created: new Map(), txOutputs: new Map(), serviceFees: 0n, byteFees: 0n, issued: new Map() };
  }

  #txContext(block: BlockContext, tx: Transaction, index: number, message: Uint8Array, knownHash?: Uint8Array, knownSpends?: string[]): TxContext {
    const hash = knownHash ?? messageHash(message);
    const hashHex = bytesToHex(hash);
    const spendKeys = knownSpends ?? allInputs(tx).map((i) => outpointKey(i.prevHash, i.prevIndex));
    return {
      ledger: this, block, tx, hash, hashHex, index,
      size: message.length + witnessesSize(tx.witnesses), spent: [], orderSpent: [], signers: new Map(), flows: new Map(),
      outputKeys: tx.outputs.map((_, i) => `${hashHex}:${i}`),
      outputs: tx.outputs.map((o) => ({
        assetId: o.assetId, value: o.value, scriptHash: o.scriptHash, height: block.height, account: bytesToHex(o.scriptHash), asset: assetHex(o.assetId),
      })),
      spendKeys,
    };
  }

  /** The election's input for the block after `height` (the seats as they stand after it). */
  #electionInput(height = this.height) {
    const candidates = new Map<string, Uint8Array>();
    for (const [k, c] of this.candidates.entries()) candidates.set(k, c.publicKey);
    const excluded = new Set<string>();
    const proven = new Set<string>();
    for (const [key, seat] of this.seats.entries()) {
      if (seat.excludedUntil > height + 1) excluded.add(key);
      if (seat.joined > 0 && seat.seen >= seat.joined) proven.add(key);
    }
    return { candidates, votes: this.votes.values(), standbyValidators: this.settings.standbyValidators, seats: { excluded, proven } };
  }

  /**
   * The seats, as block `height` leaves them (docs/consensus-design.md, "Elections that cannot stop
   * the chain"): each elected candidate of the block's validators (`current`) that the block's
   * participation record marks (or every one, without a record) was seen; one that has held its
   * seat ABSENCE_BLOCKS blocks without being seen in the last ABSENCE_BLOCKS is excluded for
   * EXCLUSION_BLOCKS; then the next validators are elected, and the seats of those who join or
   * leave are noted. Standby validators have no seat record. Returns the next validators.
   */
  #electAfter(height: number, current: readonly Uint8Array[], participation: readonly boolean[] | null): Uint8Array[] {
    current.forEach((key, i) => {
      const hex = bytesToHex(key);
      const seat = this.seats.get(hex);
      if (!seat) return;
      let next = participation === null || participation[i] ? { ...seat, seen: height } : seat;
      if (next.joined > 0 && height - next.joined + 1 >= ABSENCE_BLOCKS && next.seen <= height - ABSENCE_BLOCKS) {
        next = { ...next, joined: 0, excludedUntil: height + 1 + EXCLUSION_BLOCKS };
      }
      if (next !== seat) this.seats.set(hex, next);
    });
    const validators = electValidators(this.#electionInput(height));
    const standby = new Set(this.settings.standbyValidators.map((k) => bytesToHex(compressPublicKey(k))));
    const seated = new Set(validators.map(bytesToHex));
    for (const key of seated) {
      if (standby.has(key)) continue;
      const seat = this.seats.get(key);
      if (!seat || seat.joined === 0) this.seats.set(key, { joined: height + 1, seen: seat?.seen ?? 0, excludedUntil: seat?.excludedUntil ?? 0 });
    }
    for (const [key, seat] of [...this.seats.entries()]) {
      if (seated.has(key)) continue;
      if (seat.excludedUntil <= height + 1) this.seats.delete(key);
      else if (seat.joined !== 0) this.seats.set(key, { ...seat, joined: 0 });
    }
    return validators;
  }

  /** The outpoint keys a block spent, read from its delta (the unspent outputs it removed). */
  spentIn(delta: Delta): Set<string> {
    const spent = new Set<string>();
    for (const c of delta.changes) if (c.table === this.utxos.id && c.before !== undefined && c.after === undefined) spent.add(c.key);
    return spent;
  }

  /** Blocks applied with the rules their `prepareBlock` ran (a validator's own blocks). */
  get reusedChecks(): number {
    return this.#reusedChecks;
  }

  /** The validators of the next block, sorted. */
  nextValidators(): Uint8Array[] {
    return this.tip.validators;
  }

  /** The AntCoin the next block creates. */
  nextAntCoin(): bigint {
    const t = this.tip;
    return newAntCoin(t.antCoinMinted, t.antCoinBurned);
  }

  /**
   * Checks `block` against every rule and applies it. Throws a ProtocolError (code and data)
   * and changes nothing when a rule is broken; returns the block's delta otherwise.
   * `messages` are the transactions' signed bytes when the caller has them (saves encoding).
   */
  async applyBlock(
    block: Block,
    verifier: SignatureVerifier = defaultVerifier(),
    messages?: readonly Uint8Array[],
    /** The block's signature checks, header and transactions, when the caller started them already (`verifyBlockSignatures`). */
    signaturesStarted?: Promise<unknown>,
  ): Promise<Delta> {
    const tip = this.tip;
    const height = tip.height + 1;
    if (block.height !== height) throw stateError('BLOCK_HEIGHT_WRONG', `expected height ${height}, got ${block.height}`, { expected: height, actual: block.height });
    if (!equalBytes(block.prevBlock, tip.blockHash)) {
      throw stateError('BLOCK_PREV_HASH_WRONG', 'the block does not follow the tip', { expected: uintToString(tip.blockHash), actual: uintToString(block.prevBlock) });
    }
    if (block.version !== 0) throw stateError('BLOCK_VERSION_UNSUPPORTED', `block version ${block.version}`, { version: block.version });
    if (block.timestamp <= tip.timestamp) {
      throw stateError('BLOCK_TIMESTAMP_NOT_INCREASING', `timestamp ${block.timestamp} is not after ${tip.timestamp}`, { previous: tip.timestamp, timestamp: block.timestamp });
    }
    const msgs = messages ?? block.transactions.map(signingMessage);
    const checked = checkBlock(block, msgs);
    const hash = blockHash(block);

    // Signatures: whether a witness verifies needs no ledger, so every check starts now and runs
    // on the verifier's threads while the rules below run here; the rules then check that the
    // witnesses are those of exactly the accounts that must sign.
    const signatures = Promise.all([
      (async () => {
        checkHeaderWitnessScript(block, nextMinerOf(tip.validators));
        if (!signaturesStarted) await verifyHeaderSignatures(block, verifier);
      })(),
      signaturesStarted ?? verifyBlockWitnesses(block, msgs, verifier),
    ]);
    signatures.catch(() => {}); // awaited below, unless a rule fails first

    // Phase A: every rule that needs no signature; nothing is written yet. A block this ledger
    // prepared was checked then: the same header (its previous block is the tip, checked above,
    // and its merkle root commits to every transaction's signed bytes) and the same transaction
    // objects (so the same witnesses).
    const prepared = this.#prepared;
    this.#prepared = undefined;
    const reuse = prepared !== undefined && equalBytes(prepared.hash, hash) &&
      prepared.transactions.length === block.transactions.length && prepared.transactions.every((t, i) => t === block.transactions[i]);
    const { txCtxs, ctx } = reuse ? prepared! : this.#checkAll(height, block.transactions, msgs, checked);
    if (reuse) this.#reusedChecks++;
    const { reward, holder } = this.#draw(block.consensusData);
    checkMiner(block.transactions[0], expectedMinerOutputs({ reward, holder, byteFees: ctx.byteFees, validators: tip.validators }));
    const participation = checkMinerParticipation(block.transactions[0], tip.validators.length, consensusThreshold(tip.validators.length));

    // Phase B: the signatures, which have been verifying meanwhile.
    await signatures;

    // Phase C: the effects, undone if the header's nextMiner turns out wrong.
    this.#journal.clear();
    try {
      const validators = this.#applyAll(txCtxs, participation);
      if (!equalBytes(nextMinerOf(validators), block.nextMiner)) {
        throw stateError('BLOCK_NEXT_MINER_WRONG', "nextMiner is not the script of the next block's validators", {
          expected: uintToString(nextMinerOf(validators)), actual: uintToString(block.nextMiner),
        });
      }
      this.headers.set(heightKey(height), { hash, timestamp: block.timestamp });
      this.meta.set(TIP, {
        height, blockHash: hash, timestamp: block.timestamp,
        antCoinMinted: tip.antCoinMinted + (holder ? reward : 0n),
        antCoinBurned: tip.antCoinBurned + ctx.serviceFees,
        validators,
      });
    } catch (e) {
      this.#journal.revert();
      throw e;
    }
    return this.#takeDelta(height, hash);
  }

  /** Phase A over a block's transactions (the first is its MinerTransaction). */
  #checkAll(height: number, transactions: readonly Transaction[], msgs: readonly Uint8Array[], checked?: CheckedBlock) {
    const ctx = this.#blockContext(height);
    const txCtxs = transactions.map((tx, i) => this.#txContext(ctx, tx, i, msgs[i], checked?.hashes[i], checked?.spends[i]));
    for (const c of txCtxs) {
      ctx.txOutputs.set(c.hashHex, c.tx.outputs.length);
      c.outputs.forEach((utxo, i) => ctx.created.set(c.outputKeys[i], { utxo, miner: c.tx.type === 'MinerTransaction' }));
    }
    for (const c of txCtxs.slice(1)) this.#checkTransaction(c);
    return { ctx, txCtxs };
  }

  /** The next block's new AntCoin and the holder its random number draws. */
  #draw(random: bigint): { reward: bigint; holder: Uint8Array | null } {
    const tip = this.tip;
    return {
      reward: newAntCoin(tip.antCoinMinted, tip.antCoinBurned),
      holder: drawHolder(this.holders.get(bytesToHex(ANTSHARE_ID)) ?? new Map(), random),
    };
  }

  /** Phase C: outputs first, then spends (a transaction may spend a later one's output); returns the next validators. */
  #applyAll(txCtxs: readonly TxContext[], participation: readonly boolean[] | null): Uint8Array[] {
    for (const c of txCtxs) {
      applyOutputs(c);
      this.#applyType(c);
    }
    for (const c of txCtxs) applySpends(c);
    return this.#electAfter(txCtxs[0].block.height, this.tip.validators, participation);
  }

  /**
   * The unsigned block that would follow the tip with `transactions` (already checked, in the
   * order given) after a MinerTransaction paying what the rules require: the proposer's half of
   * a block. Runs the rules once; learns the next validators (applying and undoing the block
   * only when votes could change them). `messages`: the transactions' signed bytes, when the
   * caller has them (a pool does).
   */
  prepareBlock(params: {
    transactions: readonly Transaction[]; messages?: readonly Uint8Array[]; timestamp: number; consensusData: bigint; nonce?: number;
    /** Which of the block's validators dealt in its fixed set (the participation record); none: no record. */
    participation?: readonly boolean[];
  }): Omit<Block, 'witness'> {
    this.#prepared = undefined;
    const tip = this.tip;
    const height = tip.height + 1;
    const { reward, holder } = this.#draw(params.consensusData);
    const bodies = params.messages ?? params.transactions.map(signingMessage);
    // The rules once, with a placeholder miner at position 0: they give the fees, which decide
    // the MinerTransaction. Nothing else depends on the miner (no transaction may spend its
    // outputs in its own block), so only its own context is made again.
    const placeholder: Transaction = { type: 'MinerTransaction', version: 0, nonce: 0, attributes: [], inputs: [], outputs: [], witnesses: [] };
    const { ctx, txCtxs: checked } = this.#checkAll(height, [placeholder, ...params.transactions], [signingMessage(placeholder), ...bodies]);
    const miner: Transaction = {
      type: 'MinerTransaction', version: 0, nonce: params.nonce ?? height, inputs: [], witnesses: [],
      attributes: params.participation ? [participationAttribute(params.participation)] : [],
      outputs: expectedMinerOutputs({ reward, holder, byteFees: ctx.byteFees, validators: tip.validators }),
    };
    const transactions = [miner, ...params.transactions];
    const msgs = [signingMessage(miner), ...bodies];
    const txCtxs = [this.#txContext(ctx, miner, 0, msgs[0]), ...checked.slice(1)];
    // The next validators: with no vote cast and none in this block, the election gives the
    // standby list whatever the block does; otherwise apply the block, read them, undo it.
    let validators: Uint8Array[];
    let checkedOnly = false;
    if (this.votes.size === 0 && this.seats.size === 0 && !params.transactions.some((t) => t.type === 'VotingTransaction')) {
      validators = electValidators(this.#electionInput());
      checkedOnly = true;
    } else {
      this.#journal.clear();
      try {
        validators = this.#applyAll(txCtxs, params.participation ?? null);
      } finally {
        this.#journal.revert();
      }
    }
    const block = {
      version: 0, prevBlock: tip.blockHash, merkleRoot: merkleRoot(txCtxs.map((c) => c.hash)), timestamp: params.timestamp, height,
      consensusData: params.consensusData, nextMiner: nextMinerOf(validators), transactions,
    };
    // Contexts that only the checks have touched (the block was not applied and undone) serve
    // `applyBlock` of this very block.
    if (checkedOnly) this.#prepared = { hash: blockHash(block), transactions, ctx, txCtxs };
    return block;
  }

  /** The rules of one (non-miner) transaction against the ledger: phase A. */
  #checkTransaction(c: TxContext): void {
    try {
      resolveInputs(c);
      sumFlows(c);
      checkValueAndFees(c);
      collectSigners(c);
      switch (c.tx.type) {
        case 'RegisterTransaction': checkRegister(c, c.tx); break;
        case 'IssueTransaction': checkIssue(c); break;
        case 'EnrollmentTransaction': checkEnrollment(c, c.tx); break;
        case 'VotingTransaction': checkVoting(c, c.tx); break;
        case 'ContractTransaction': break;
        case 'AgencyTransaction': checkAgency(c, c.tx); break;
        default: throw stateError('TX_TYPE_NOT_ALLOWED', `a ${c.tx.type} cannot stand here`, { type: c.tx.type });
      }
      checkSignersPresent(c);
    } catch (e) {
      throw e instanceof ProtocolError ? e.with({ tx: uintToString(c.hash), index: c.index }) : e;
    }
  }

  #applyType(c: TxContext): void {
    switch (c.tx.type) {
      case 'RegisterTransaction': return applyRegister(c, c.tx);
      case 'IssueTransaction': return applyIssue(c);
      case 'EnrollmentTransaction': return applyEnrollment(c, c.tx);
      case 'VotingTransaction': return applyVoting(c, c.tx);
      case 'AgencyTransaction': return applyAgency(c, c.tx);
      default: return;
    }
  }

  /**
   * Checks one transaction against the tip (for a mempool or a wallet about to send): every rule
   * of a block that holds only it, signatures included. Throws the rule's ProtocolError.
   */
  async checkTransaction(tx: Transaction, verifier: SignatureVerifier = defaultVerifier(), message: Uint8Array = signingMessage(tx)): Promise<Uint8Array> {
    const hash = this.checkTransactionRules(tx, message);
    await this.verifyTransactionWitnesses(tx, message, verifier);
    return hash;
  }

  /** The signature half of `checkTransaction`: every witness (and order witness) verifies. */
  verifyTransactionWitnesses(tx: Transaction, message: Uint8Array = signingMessage(tx), verifier: SignatureVerifier = defaultVerifier()): Promise<void> {
    return verifyAllWitnesses(tx, message, verifier);
  }

  /**
   * Every rule of `checkTransaction` but the signatures' validity (which never changes once
   * checked): what a mempool re-checks after each block. Returns the transaction's hash
   * (`hash`: hash256 of `message`, when the caller has computed it).
   */
  checkTransactionRules(tx: Transaction, message: Uint8Array = signingMessage(tx), hash?: Uint8Array): Uint8Array {
    const ctx = this.#blockContext(this.height + 1);
    const spends = checkStateless(tx, message.length + witnessesSize(tx.witnesses));
    const c = this.#txContext(ctx, tx, 1, message, hash, spends);
    this.#checkTransaction(c);
    return c.hash;
  }

  #takeDelta(height: number, hash: Uint8Array): Delta {
    const changes = this.#journal.encodedChanges();
    this.#journal.clear();
    return { height, blockHash: hash, changes };
  }

  #table(id: number): Table<unknown> {
    const t = this.#tables.find((x) => x.id === id);
    if (!t) throw new RangeError(`no table ${id}`);
    return t;
  }

  /** Applies a stored delta again (replay after a restart). */
  replay(delta: Delta): void {
    if (delta.height !== this.height + 1) throw new RangeError(`delta of height ${delta.height} after tip ${this.height}`);
    for (const c of delta.changes) {
      const t = this.#table(c.table);
      t.restore(c.key, c.after === undefined ? undefined : t.codec.decode(c.after));
    }
  }

  /** Undoes the tip block with its delta (a validator may drop a block nothing final depends on). */
  rollback(delta: Delta): void {
    if (delta.height !== this.height || delta.height === 0) throw new RangeError(`cannot roll back height ${delta.height} at tip ${this.height}`);
    for (const c of [...delta.changes].reverse()) {
      const t = this.#table(c.table);
      t.restore(c.key, c.before === undefined ? undefined : t.codec.decode(c.before));
    }
  }

  /** Every table entry, sorted, encoded: the state in one canonical byte stream. */
  *entries(): Generator<{ table: number; key: string; value: Uint8Array }> {
    for (const t of this.#tables) {
      const keys = [...t.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      for (const [key, value] of keys) yield { table: t.id, key, value: t.codec.encode(value) };
    }
  }

  /** hash256 over every table entry in canonical order: equal states have equal hashes. */
  stateHash(): Uint8Array {
    const enc = new TextEncoder();
    const parts: Uint8Array[] = [];
    for (const e of this.entries()) parts.push(Uint8Array.of(e.table), enc.encode(e.key), Uint8Array.of(0), e.value);
    let n = 0;
    for (const p of parts) n += p.length;
    const all = new Uint8Array(n);
    let at = 0;
    for (const p of parts) {
      all.set(p, at);
      at += p.length;
    }
    return hash256(all);
  }

  /** The state as snapshot chunks of about `chunkBytes` each. */
  snapshot(chunkBytes = 4 << 20): Uint8Array[] {
    const chunks: Uint8Array[] = [];
    let current: { table: number; key: string; value: Uint8Array }[] = [];
    let size = 0;
    for (const e of this.entries()) {
      current.push(e);
      size += e.value.length + e.key.length + 8;
      if (size >= chunkBytes) {
        chunks.push(encodeSnapshotChunk(current));
        current = [];
        size = 0;
      }
    }
    if (current.length) chunks.push(encodeSnapshotChunk(current));
    return chunks;
  }

  /** A ledger loaded from snapshot chunks. */
  static fromSnapshot(settings: NetworkSettings, chunks: readonly Uint8Array[]): Ledger {
    const ledger = new Ledger(settings);
    for (const chunk of chunks) {
      for (const e of decodeStrict(SnapshotChunk, chunk, 'Snapshot')) {
        const t = ledger.#table(e.table);
        t.restore(e.key, t.codec.decode(e.value));
      }
    }
    return ledger;
  }

  // Queries for wallets (whitepaper 2.1: the query key reads balances and history).

  /** Balance of an account in one asset, in units. */
  balance(scriptHash: Uint8Array, assetId: Uint8Array): bigint {
    return this.accounts.get(bytesToHex(scriptHash))?.holdings.get(bytesToHex(assetId))?.units ?? 0n;
  }

  /** Unspent outputs of an account, optionally of one asset. */
  unspent(scriptHash: Uint8Array, assetId?: Uint8Array): { txHash: Uint8Array; index: number; output: Utxo }[] {
    const keys = this.accounts.get(bytesToHex(scriptHash))?.outputs ?? new Set<string>();
    const out: { txHash: Uint8Array; index: number; output: Utxo }[] = [];
    for (const k of keys) {
      const u = this.utxos.get(k)!;
      if (assetId && !equalBytes(u.assetId, assetId)) continue;
      const [h, i] = k.split(':');
      out.push({ txHash: hexToBytes(h), index: Number(i), output: u });
    }
    return out.sort((a, b) => (a.output.height - b.output.height) || (bytesToHex(a.txHash) < bytesToHex(b.txHash) ? -1 : 1) || a.index - b.index);
  }

  /** Transactions that touched an account, newest first, `limit` at a time after the cursor. */
  historyOf(scriptHash: Uint8Array, page: { limit?: number; before?: string } = {}): { items: { txHash: Uint8Array; height: number }[]; next?: string } {
    const keys = [...(this.#historyKeys.get(bytesToHex(scriptHash)) ?? [])].filter((k) => !page.before || k < page.before).sort().reverse();
    const limit = page.limit ?? 20;
    const items = keys.slice(0, limit).map((k) => ({ txHash: this.history.get(k)!.txHash, height: parseInt(k.split(':')[1], 16) }));
    return { items, next: keys.length > limit ? keys[limit - 1] : undefined };
  }

  /** Holders of an asset with their units, largest first. */
  holdersOf(assetId: Uint8Array): { scriptHash: Uint8Array; units: bigint }[] {
    return [...(this.holders.get(bytesToHex(assetId))?.values() ?? [])].sort((a, b) => (a.units === b.units ? 0 : a.units > b.units ? -1 : 1));
  }

  /** Units of an asset in existence: for AntCoin, minted minus burned. */
  supply(assetId: Uint8Array): bigint {
    if (equalBytes(assetId, ANTCOIN_ID)) return this.tip.antCoinMinted - this.tip.antCoinBurned;
    return this.assets.get(bytesToHex(assetId))?.issued ?? 0n;
  }

  /** Candidates with the AntShare voting for each. */
  candidateVotes(): { enrollment: Uint8Array; publicKey: Uint8Array; votes: bigint }[] {
    const tally = new Map<string, bigint>();
    for (const v of this.votes.values()) for (const e of v.enrollments) tally.set(bytesToHex(e), (tally.get(bytesToHex(e)) ?? 0n) + v.value / FIXED8_ONE);
    return [...this.candidates.entries()].map(([k, c]) => ({ enrollment: hexToBytes(k), publicKey: c.publicKey, votes: tally.get(k) ?? 0n }));
  }
}
