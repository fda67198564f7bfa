/** The encoding layer: wire primitives, errors, byte helpers, Base58Check. */
export * from './bytes.ts';
export * from './errors.ts';
export * from './primitives.ts';
export * from './base58.ts';
