/** The crypto layer: hashes, keys, ECDSA signing and verification, ECDH. */
export * from './hash.ts';
export * from './keys.ts';
export * from './ecdsa.ts';
export * from './ecdh.ts';
export * from './pool.ts';
