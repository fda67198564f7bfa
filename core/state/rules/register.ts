/** RegisterTransaction against the ledger (whitepaper 4.1.1): the issuer signs; the asset is created. */
import { decodePublicKey } from '../../crypto/keys.ts';
import { scriptHash, singleKeyScript } from '../../script/accounts.ts';
import type { Transaction } from '../../tx/transaction.ts';
import { isKnownAssetType } from '../../tx/register.ts';
import { stateError } from '../errors.ts';
import { requireSigner } from './common.ts';
import type { TxContext } from './context.ts';

type Register = Extract<Transaction, { type: 'RegisterTransaction' }>;

export function checkRegister(ctx: TxContext, tx: Register): void {
  if (tx.assetType === 'AntShare' || tx.assetType === 'AntCoin') {
    throw stateError('ASSET_TYPE_RESERVED', `${tx.assetType} exists once, from genesis`, { assetType: tx.assetType });
  }
  if (!isKnownAssetType(tx.assetType)) {
    throw stateError('ASSET_TYPE_UNKNOWN', `asset type ${tx.assetType} is not one this protocol has rules for (Currency, Token, Share, Invoice)`, { assetType: tx.assetType });
  }
  if (decodePublicKey(tx.issuer) === null) throw stateError('ASSET_ISSUER_INVALID', 'the issuer must be a real key, able to sign');
  requireSigner(ctx, scriptHash(singleKeyScript(tx.issuer)), 'issuer of the asset');
}

export function applyRegister(ctx: TxContext, tx: Register): void {
  ctx.ledger.assets.set(ctx.hashHex, {
    assetType: tx.assetType, name: tx.name, amount: tx.amount, precision: tx.precision,
    issuer: tx.issuer, admin: tx.admin, issued: 0n, height: ctx.block.height,
  });
}
