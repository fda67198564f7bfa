/**
 * Block header (docs/protocol.md, "Blocks"): `version u32, prevBlock UInt256, merkleRoot UInt256,
 * timestamp u32, height u32, consensusData u64, nextMiner UInt160`, then `01` + one witness.
 * The block hash is hash256 of the first seven fields, which are also what validators sign.
 */
import * as P from 'micro-packed';
import { equalBytes } from '../encoding/bytes.ts';
import { ProtocolError } from '../encoding/errors.ts';
import { UInt160, UInt256, decodeStrict, uintToString } from '../encoding/primitives.ts';
import { hash256 } from '../crypto/hash.ts';
import { defaultVerifier, type SignatureVerifier } from '../crypto/ecdsa.ts';
import { scriptHash } from '../script/accounts.ts';
import { runWitness } from '../script/vm.ts';
import { Witness } from '../tx/io.ts';

/** The seven fields of a header, in wire order. */
export const headerFields = {
  version: P.U32LE,
  prevBlock: UInt256,
  merkleRoot: UInt256,
  timestamp: P.U32LE,
  height: P.U32LE,
  /** The block random number (whitepaper 5.2.3). */
  consensusData: P.U64LE,
  /** Script hash of the next block's validators' M-of-N script. */
  nextMiner: UInt160,
};

/** The seven hashed and signed fields. */
export const UnsignedHeader = P.struct(headerFields);
export type UnsignedHeader = P.UnwrapCoder<typeof UnsignedHeader>;

/** `01` + the witness: a header carries exactly one. */
export const HeaderWitness: P.CoderType<Witness> = P.wrap({
  encodeStream(w, witness: Witness) {
    w.byte(1);
    Witness.encodeStream(w, witness);
  },
  decodeStream(r): Witness {
    const n = r.byte();
    if (n !== 1) throw r.err(`a header carries one witness, found count ${n}`);
    return Witness.decodeStream(r);
  },
});

/** A header with its witness. */
export const Header = P.struct({ ...headerFields, witness: HeaderWitness });
export type Header = P.UnwrapCoder<typeof Header>;

/** Decodes one whole header. */
export function decodeHeader(bytes: Uint8Array): Header {
  return decodeStrict(Header, bytes, 'Header');
}

/** The signed message of a header: its seven fields. */
export function headerMessage(header: UnsignedHeader): Uint8Array {
  return UnsignedHeader.encode(header);
}

/** Block hash = hash256 of the seven fields, raw; show it with `uintToString`. */
export function blockHash(header: UnsignedHeader): Uint8Array {
  return hash256(headerMessage(header));
}

/** Bytes of the seven hashed fields: 4 + 32 + 32 + 4 + 4 + 8 + 20. */
export const UNSIGNED_HEADER_LENGTH = 104;

/**
 * The hash of the header a block's bytes begin with, read without decoding the block (a peer
 * that receives a copy of a block it holds knows it by this); undefined when too short.
 */
export function blockHashOfBytes(bytes: Uint8Array): Uint8Array | undefined {
  return bytes.length < UNSIGNED_HEADER_LENGTH ? undefined : hash256(bytes.subarray(0, UNSIGNED_HEADER_LENGTH));
}

export type HeaderErrorCode = 'BLOCK_WITNESS_NOT_NEXT_MINER' | 'BLOCK_WITNESS_INVALID';

/**
 * Checks the header's witness: its script must be the previous header's `nextMiner` and it must
 * run true over the header's seven fields.
 */
export async function verifyHeaderWitness(header: Header, expectedMiner: Uint8Array, verifier: SignatureVerifier = defaultVerifier()): Promise<void> {
  checkHeaderWitnessScript(header, expectedMiner);
  await verifyHeaderSignatures(header, verifier);
}

/** The half of `verifyHeaderWitness` that needs the chain: the witness's script is the expected nextMiner. */
export function checkHeaderWitnessScript(header: Header, expectedMiner: Uint8Array): void {
  const actual = scriptHash(header.witness.verification);
  if (!equalBytes(actual, expectedMiner)) {
    throw new ProtocolError<HeaderErrorCode>('BLOCK_WITNESS_NOT_NEXT_MINER', "the header's witness is not the previous header's nextMiner", {
      expected: uintToString(expectedMiner),
      actual: uintToString(actual),
    });
  }
}

/**
 * The half that needs only the header: its witness's signatures verify under its own script.
 * A sync starts it for blocks ahead of the one being applied.
 */
export async function verifyHeaderSignatures(header: Header, verifier: SignatureVerifier = defaultVerifier()): Promise<void> {
  const r = await runWitness(header.witness.invocation, header.witness.verification, headerMessage(header), verifier);
  if (!r.ok) throw new ProtocolError<HeaderErrorCode>('BLOCK_WITNESS_INVALID', `the header's witness fails: ${r.reason}`, { height: header.height });
}
