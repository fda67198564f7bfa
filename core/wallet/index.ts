/** The wallet: dual keys from a mnemonic, sealed keys, accounts, payments (docs/wallet.md). */
export * from './errors.ts';
export * from './keys.ts';
export * from './keystore.ts';
export * from './account.ts';
export * from './payment.ts';
export * from './contract.ts';
export * from './governance.ts';
export * from './stealth.ts';
export * from './asset-names.ts';
export * from './amount.ts';
export * from './lookalike.ts';
export * from './explain.ts';
