/**
 * Network settings (docs/protocol.md, "AntCoin, fees, election"): who validates at first, who
 * receives the AntShare, fees, block time. The devnet uses small fees so a fresh chain can pay them.
 */
import { FIXED8_ONE, parseFixed8 } from '../encoding/primitives.ts';
import { hexToBytes } from '../encoding/bytes.ts';
import { AddressVersion } from '../script/accounts.ts';
import { buildGenesisBlock, type GenesisSettings } from '../block/genesis.ts';
import type { Block } from '../block/block.ts';
import type { TransactionType } from '../tx/transaction.ts';

/** Fees in AntCoin units (Fixed8). */
export interface FeeSettings {
  /** Service fee of a RegisterTransaction, burned (whitepaper 4.4). */
  readonly register: bigint;
  /** Service fee of an EnrollmentTransaction, burned. */
  readonly enroll: bigint;
  /** Byte fee per byte of a transaction above `freeBytes`, collected by the block's validators. */
  readonly perByte: bigint;
  /** Bytes of each transaction that pay no byte fee. */
  readonly freeBytes: number;
}

/** Everything that distinguishes one network from another. */
export interface NetworkSettings extends GenesisSettings {
  readonly name: string;
  /** Tags the network's peer-to-peer messages. */
  readonly magic: number;
  readonly addressVersion: number;
  /** Target time between blocks. */
  readonly blockTimeMs: number;
  readonly fees: FeeSettings;
  /** Smallest AntCoin deposit of a validator candidate (outputs[0] of its enrollment). */
  readonly enrollmentDeposit: bigint;
  /** A full state snapshot is stored every this many blocks (restart cost vs. space). */
  readonly snapshotInterval: number;
}

/** The service fee (burned) of a transaction type. */
export function serviceFee(settings: NetworkSettings, type: TransactionType): bigint {
  if (type === 'RegisterTransaction') return settings.fees.register;
  if (type === 'EnrollmentTransaction') return settings.fees.enroll;
  return 0n;
}

/** The smallest byte fee of a transaction of `size` bytes. */
export function byteFee(settings: NetworkSettings, type: TransactionType, size: number): bigint {
  if (type === 'MinerTransaction') return 0n;
  return BigInt(Math.max(0, size - settings.fees.freeBytes)) * settings.fees.perByte;
}

/** The genesis block of a network. */
export function genesisOf(settings: NetworkSettings): Block {
  return buildGenesisBlock(settings);
}

/**
 * A devnet: fast blocks, small fees. Its validators and AntShare holder are given by whoever
 * starts it (`npm start` makes them), so that their private keys are on the same machine.
 */
export function devnet(params: { standbyValidators: Uint8Array[]; antShareHolder: Uint8Array; genesisTimestamp?: number }): NetworkSettings {
  return {
    name: 'devnet',
    magic: 0x414e5344, // "ANSD"
    addressVersion: AddressVersion.secp256r1,
    standbyValidators: params.standbyValidators,
    antShareHolder: params.antShareHolder,
    timestamp: params.genesisTimestamp ?? 1_763_856_000, // 2025-11-23T00:00:00Z
    blockTimeMs: 2000,
    fees: { register: 1n * FIXED8_ONE, enroll: 1n * FIXED8_ONE, perByte: parseFixed8('0.00001'), freeBytes: 0 },
    enrollmentDeposit: 1n * FIXED8_ONE,
    snapshotInterval: 1000,
  };
}

/** The public description of a devnet (its network.json): enough for any peer, a browser too, to build its genesis. */
export interface NetworkFile {
  readonly name: 'devnet';
  readonly genesisTimestamp: number;
  /** Standby validators' public keys (hex). */
  readonly validators: string[];
  /** Script hash (raw hex) of the genesis AntShare holder. */
  readonly antShareHolder: string;
  readonly blockTimeMs?: number;
}

/** The settings of a devnet's network.json. */
export function devnetFromFile(file: NetworkFile): NetworkSettings {
  const base = devnet({
    standbyValidators: file.validators.map(hexToBytes),
    antShareHolder: hexToBytes(file.antShareHolder),
    genesisTimestamp: file.genesisTimestamp,
  });
  return file.blockTimeMs ? { ...base, blockTimeMs: file.blockTimeMs } : base;
}

/** The shared test network: four public standby validators, real fees. */
export function testnet(): NetworkSettings {
  const keys = [
    '0327da12b5c40200e9f65569476bbff2218da4f32548ff43b6387ec1416a231ee8',
    '026ce35b29147ad09e4afe4ec4a7319095f08198fa8babbe3c56e970b143528d22',
    '0209e7fd41dfb5c2f8dc72eb30358ac100ea8c72da18847befe06eade68cebfcb9',
    '039dafd8571a641058ccc832c5e2111ea39b09c0bde36050914384f7a48bce9bf9',
  ].map(hexToBytes);
  return {
    name: 'testnet',
    magic: 0x414e5354, // "ANST"
    addressVersion: AddressVersion.secp256r1,
    standbyValidators: keys,
    antShareHolder: hexToBytes('cef0c0fdcfe7838eff6ff104f9cdec2922297537').reverse(),
    timestamp: 1_763_856_000,
    blockTimeMs: 15_000,
    fees: { register: 100n * FIXED8_ONE, enroll: 100n * FIXED8_ONE, perByte: parseFixed8('0.00001'), freeBytes: 1024 },
    enrollmentDeposit: 1000n * FIXED8_ONE,
    snapshotInterval: 1000,
  };
}
