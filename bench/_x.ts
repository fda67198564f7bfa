import { p256 } from '@noble/curves/nist.js';
const N = 3000;
const sks = Array.from({ length: N }, () => p256.utils.randomSecretKey());
const comp = sks.map((k) => p256.getPublicKey(k, true));
const unc = sks.map((k) => p256.getPublicKey(k, false));
const sub = crypto.subtle;
const alg = { name: 'ECDSA', namedCurve: 'P-256' };
for (let r = 0; r < 3; r++) {
  for (const [name, keys] of [['compressed', comp], ['uncompressed', unc]] as const) {
    const c0 = process.threadCpuUsage();
    await Promise.all(keys.map((k) => sub.importKey('raw', k, alg, false, ['verify'])));
    const c = process.threadCpuUsage(c0);
    console.log(name, ((c.user + c.system) / N).toFixed(1), 'µs per import');
  }
  const c0 = process.threadCpuUsage();
  for (const k of comp) p256.Point.fromBytes(k).toBytes(false);
  const c = process.threadCpuUsage(c0);
  console.log('noble decompress', ((c.user + c.system) / N).toFixed(1), 'µs');
}
