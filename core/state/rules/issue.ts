/**
 * IssueTransaction against the ledger (whitepaper 4.1.2): each asset it creates units of is
 * registered and issuable, its admin signs, and its total issued never passes its cap.
 */
import { formatFixed8, uintToString } from '../../encoding/primitives.ts';
import { UNLIMITED_AMOUNT } from '../../tx/register.ts';
import { stateError } from '../errors.ts';
import { requireSigner } from './common.ts';
import type { TxContext } from './context.ts';

function issuedUnits(ctx: TxContext) {
  return [...ctx.flows.entries()].filter(([, f]) => f.outputs > f.inputs).map(([k, f]) => ({ k, f, amount: f.outputs - f.inputs }));
}

export function checkIssue(ctx: TxContext): void {
  const created = issuedUnits(ctx);
  for (const { k, f, amount } of created) {
    const asset = ctx.ledger.assets.get(k)!; // sumFlows checked that it exists
    if (asset.assetType === 'AntShare' || asset.assetType === 'AntCoin') {
      throw stateError('ASSET_NOT_ISSUABLE', `${asset.assetType} is never issued after genesis`, { assetId: uintToString(f.assetId) });
    }
    const before = asset.issued + (ctx.block.issued.get(k) ?? 0n);
    if (asset.amount !== UNLIMITED_AMOUNT && before + amount > asset.amount) {
      throw stateError('ASSET_AMOUNT_EXCEEDED', `issuing ${formatFixed8(amount)} would pass the total of ${formatFixed8(asset.amount)}`, {
        assetId: uintToString(f.assetId), issued: formatFixed8(before), amount: formatFixed8(amount), total: formatFixed8(asset.amount),
      });
    }
    ctx.block.issued.set(k, (ctx.block.issued.get(k) ?? 0n) + amount);
    requireSigner(ctx, asset.admin, `admin of ${uintToString(f.assetId)}`);
  }
}

export function applyIssue(ctx: TxContext): void {
  for (const { k, amount } of issuedUnits(ctx)) {
    const asset = ctx.ledger.assets.get(k)!;
    ctx.ledger.assets.set(k, { ...asset, issued: asset.issued + amount });
  }
}
