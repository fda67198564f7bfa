/**
 * The MinerTransaction of a block (whitepaper 5.2.5): its outputs are exactly the new AntCoin to
 * the drawn AntShare holder, then the block's byte fees split evenly among the block's validators
 * (in key order; the first takes the remainder), leaving out zero amounts.
 */
import { formatFixed8, uintToString } from '../../encoding/primitives.ts';
import { equalBytes } from '../../encoding/bytes.ts';
import { scriptHash, singleKeyScript } from '../../script/accounts.ts';
import { ANTCOIN_ID } from '../../block/genesis.ts';
import type { TransactionOutput } from '../../tx/io.ts';
import type { Transaction } from '../../tx/transaction.ts';
import { stateError } from '../errors.ts';

/** The outputs a block's MinerTransaction must have. */
export function expectedMinerOutputs(params: {
  reward: bigint;
  holder: Uint8Array | null;
  byteFees: bigint;
  validators: readonly Uint8Array[];
}): TransactionOutput[] {
  const out: TransactionOutput[] = [];
  if (params.reward > 0n && params.holder) out.push({ assetId: ANTCOIN_ID, value: params.reward, scriptHash: params.holder });
  const n = BigInt(params.validators.length);
  if (params.byteFees > 0n && n > 0n) {
    const share = params.byteFees / n;
    const remainder = params.byteFees - share * n;
    params.validators.forEach((key, i) => {
      const value = share + (i === 0 ? remainder : 0n);
      if (value > 0n) out.push({ assetId: ANTCOIN_ID, value, scriptHash: scriptHash(singleKeyScript(key)) });
    });
  }
  return out;
}

/** Checks the MinerTransaction's outputs against the expected ones. */
export function checkMiner(tx: Transaction, expected: readonly TransactionOutput[]): void {
  const same = tx.outputs.length === expected.length && tx.outputs.every((o, i) =>
    equalBytes(o.assetId, expected[i].assetId) && o.value === expected[i].value && equalBytes(o.scriptHash, expected[i].scriptHash));
  if (!same) {
    const show = (list: readonly TransactionOutput[]) => list.map((o) => `${formatFixed8(o.value)} to ${uintToString(o.scriptHash)}`);
    throw stateError('BLOCK_MINER_OUTPUTS_WRONG', 'the MinerTransaction does not pay the drawn holder and the validators exactly', {
      expected: show(expected), actual: show(tx.outputs),
    });
  }
}
