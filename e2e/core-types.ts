/** The modules e2e/pages/core.html puts on `window.core` for the browser tests. */
export type Core = {
  crypto: typeof import('../core/crypto/index.ts');
  encoding: typeof import('../core/encoding/index.ts');
  script: typeof import('../core/script/index.ts');
  tx: typeof import('../core/tx/index.ts');
  block: typeof import('../core/block/index.ts');
  state: typeof import('../core/state/index.ts');
  idb: typeof import('../core/store/idb.ts');
  remote: typeof import('../core/state/remote-chain.ts');
};

declare global {
  interface Window {
    core: Core;
  }
}
