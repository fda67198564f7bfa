/** Transaction attributes (docs/protocol.md, "Attribute usages"). */
import * as P from 'micro-packed';
import { varBytes } from '../encoding/primitives.ts';
import { MAX_ATTRIBUTE_DATA } from './limits.ts';

/** Attribute usage bytes. Hash1..15 are 0xA1..0xAF, Remark..Remark15 are 0xF0..0xFF. */
export const AttributeUsage = {
  ContractHash: 0x00,
  ECDH02: 0x02,
  ECDH03: 0x03,
  Script: 0x20,
  /** The reference's vote attribute (32 bytes); read and kept, given no meaning by this protocol. */
  Vote: 0x30,
  DescriptionUrl: 0x81,
  Description: 0x90,
  Hash1: 0xa1,
  Hash15: 0xaf,
  Remark: 0xf0,
  Remark15: 0xff,
} as const;

/** What follows the usage byte: fixed bytes, a u8-length string, or var-bytes. */
function layoutOf(usage: number): number | 'u8' | 'var' | undefined {
  if (usage === AttributeUsage.ContractHash || usage === AttributeUsage.ECDH02 || usage === AttributeUsage.ECDH03 || usage === AttributeUsage.Vote) return 32;
  if (usage >= AttributeUsage.Hash1 && usage <= AttributeUsage.Hash15) return 32;
  if (usage === AttributeUsage.Script) return 20;
  if (usage === AttributeUsage.DescriptionUrl) return 'u8';
  if (usage === AttributeUsage.Description || usage >= AttributeUsage.Remark) return 'var';
  return undefined;
}

/** The name of a usage byte, for display ("Hash3", "Remark1", "Script"). */
export function attributeUsageName(usage: number): string {
  if (usage >= AttributeUsage.Hash1 && usage <= AttributeUsage.Hash15) return `Hash${usage - 0xa0}`;
  if (usage >= AttributeUsage.Remark) return usage === AttributeUsage.Remark ? 'Remark' : `Remark${usage - 0xf0}`;
  const entry = Object.entries(AttributeUsage).find(([, v]) => v === usage);
  return entry ? entry[0] : `0x${usage.toString(16)}`;
}

const descriptionUrl = varBytesU8();
function varBytesU8(): P.CoderType<Uint8Array> {
  return P.bytes(P.U8);
}
const varData = varBytes(MAX_ATTRIBUTE_DATA);

/** One attribute: its usage byte and its data (the exact bytes after the usage and any length). */
export interface TransactionAttribute {
  usage: number;
  data: Uint8Array;
}

/** Wire coder of an attribute; an unknown usage is a decode error. */
export const TransactionAttribute: P.CoderType<TransactionAttribute> = P.wrap({
  encodeStream(w, a: TransactionAttribute) {
    const layout = layoutOf(a.usage);
    if (layout === undefined) throw w.err(`unknown attribute usage 0x${a.usage.toString(16)}`);
    w.byte(a.usage);
    if (layout === 'u8') descriptionUrl.encodeStream(w, a.data);
    else if (layout === 'var') varData.encodeStream(w, a.data);
    else {
      if (a.data.length !== layout) throw w.err(`attribute 0x${a.usage.toString(16)} holds ${layout} bytes, got ${a.data.length}`);
      w.bytes(a.data);
    }
  },
  decodeStream(r): TransactionAttribute {
    const usage = r.byte();
    const layout = layoutOf(usage);
    if (layout === undefined) throw r.err(`unknown attribute usage 0x${usage.toString(16)}`);
    const data = layout === 'u8' ? descriptionUrl.decodeStream(r) : layout === 'var' ? varData.decodeStream(r) : r.bytes(layout);
    return { usage, data };
  },
});
