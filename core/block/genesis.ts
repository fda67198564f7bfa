/**
 * The genesis block of a network (docs/protocol.md, "Genesis"): registers AntShare (100,000,000,
 * indivisible) and AntCoin (100,000,000, precision 8), and issues all AntShare to the account the
 * network's settings name. No AntCoin exists at genesis. The layout is the Antshares reference
 * implementation's, so a genesis built with the real network's settings has its real hash.
 */
import { FIXED8_ONE } from '../encoding/primitives.ts';
import { INFINITY } from '../crypto/keys.ts';
import { multiSigScript, scriptHash } from '../script/accounts.ts';
import { OpCode } from '../script/opcodes.ts';
import { transactionHash, type Transaction } from '../tx/transaction.ts';
import type { Witness } from '../tx/io.ts';
import { computeMerkleRoot, type Block } from './block.ts';

/** The witness that always passes: no signature, verification script `PUSHT` (genesis only). */
export const TRIVIAL_WITNESS: Witness = { invocation: new Uint8Array(0), verification: Uint8Array.of(OpCode.PUSH1) };
/** Script hash of `PUSHT`: the admin of AntShare. */
export const ANTSHARE_ADMIN = scriptHash(TRIVIAL_WITNESS.verification);
/**
 * Script hash of `PUSHF`, a script no witness can satisfy: the admin of AntCoin, which nobody
 * issues (only MinerTransactions create it, whitepaper 5.2.5).
 */
export const ANTCOIN_ADMIN = scriptHash(Uint8Array.of(OpCode.PUSH0));

/** The AntShare registration (asset type 0x00). */
export const ANTSHARE_REGISTER: Transaction = {
  type: 'RegisterTransaction',
  version: 0,
  assetType: 'AntShare',
  name: '[{"lang":"zh-CN","name":"小蚁股"},{"lang":"en","name":"AntShare"}]',
  amount: 100_000_000n * FIXED8_ONE,
  precision: 0,
  issuer: INFINITY,
  admin: ANTSHARE_ADMIN,
  attributes: [],
  inputs: [],
  outputs: [],
  witnesses: [],
};

/** The AntCoin registration (asset type 0x01). */
export const ANTCOIN_REGISTER: Transaction = {
  ...ANTSHARE_REGISTER,
  assetType: 'AntCoin',
  name: '[{"lang":"zh-CN","name":"小蚁币"},{"lang":"en","name":"AntCoin"}]',
  precision: 8,
  admin: ANTCOIN_ADMIN,
};

/** Asset id of AntShare: the hash of its registration. */
export const ANTSHARE_ID = transactionHash(ANTSHARE_REGISTER);
/** Asset id of AntCoin. */
export const ANTCOIN_ID = transactionHash(ANTCOIN_REGISTER);

/** The validators' signing threshold: M = N - floor((N - 1) / 3). */
export function consensusThreshold(n: number): number {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`validator count ${n}`);
  return n - Math.floor((n - 1) / 3);
}

// The same validator list (the same array) is asked for on every block: building its script
// sorts the keys, which decodes them (a square root each).
const nextMinerCache = new WeakMap<readonly Uint8Array[], Uint8Array>();

/** `nextMiner` of a validator set: the script hash of their M-of-N script. */
export function nextMinerOf(validators: readonly Uint8Array[]): Uint8Array {
  let h = nextMinerCache.get(validators);
  if (!h) nextMinerCache.set(validators, (h = scriptHash(multiSigScript(consensusThreshold(validators.length), validators))));
  return h;
}

/** What a network's genesis depends on. */
export interface GenesisSettings {
  /** Public keys of the standby validators, who sign block 1. */
  readonly standbyValidators: readonly Uint8Array[];
  /** Script hash that receives all AntShare. */
  readonly antShareHolder: Uint8Array;
  /** Unix seconds. */
  readonly timestamp: number;
  /** consensusData of the genesis header and nonce of its MinerTransaction (Antshares: 2083236893). */
  readonly nonce?: number;
}

/** Builds the genesis block of a network. */
export function buildGenesisBlock(settings: GenesisSettings): Block {
  const nonce = settings.nonce ?? 2083236893;
  const transactions: Transaction[] = [
    { type: 'MinerTransaction', version: 0, nonce, attributes: [], inputs: [], outputs: [], witnesses: [] },
    ANTSHARE_REGISTER,
    ANTCOIN_REGISTER,
    {
      type: 'IssueTransaction',
      version: 0,
      attributes: [],
      inputs: [],
      outputs: [{ assetId: ANTSHARE_ID, value: ANTSHARE_REGISTER.type === 'RegisterTransaction' ? ANTSHARE_REGISTER.amount : 0n, scriptHash: settings.antShareHolder }],
      witnesses: [TRIVIAL_WITNESS],
    },
  ];
  return {
    version: 0,
    prevBlock: new Uint8Array(32),
    merkleRoot: computeMerkleRoot(transactions),
    timestamp: settings.timestamp,
    height: 0,
    consensusData: BigInt(nonce),
    nextMiner: nextMinerOf(settings.standbyValidators),
    witness: TRIVIAL_WITNESS,
    transactions,
  };
}
