/**
 * PublishTransaction (0xD0): reserved. Decoded as the Antshares reference implementation
 * lays it out (a contract's script and its description; NeedStorage from version 1), never valid.
 */
import * as P from 'micro-packed';
import { varBytes, varString } from '../encoding/primitives.ts';

const text = varString(252);

export const PublishTransactionData = P.wrap({
  encodeStream(w, d: PublishTransactionData) {
    P.U8.encodeStream(w, d.version);
    varBytes(65_536).encodeStream(w, d.script);
    varBytes(252).encodeStream(w, d.parameterList);
    P.U8.encodeStream(w, d.returnType);
    if (d.version >= 1) P.bool.encodeStream(w, d.needStorage);
    else if (d.needStorage) throw w.err('needStorage needs version 1');
    for (const s of [d.name, d.codeVersion, d.author, d.email]) text.encodeStream(w, s);
    varString(65_536).encodeStream(w, d.description);
  },
  decodeStream(r): PublishTransactionData {
    const version = P.U8.decodeStream(r);
    if (version > 1) throw r.err(`PublishTransaction version ${version}`);
    const script = varBytes(65_536).decodeStream(r);
    const parameterList = varBytes(252).decodeStream(r);
    const returnType = P.U8.decodeStream(r);
    const needStorage = version >= 1 ? P.bool.decodeStream(r) : false;
    const [name, codeVersion, author, email] = [0, 0, 0, 0].map(() => text.decodeStream(r));
    const description = varString(65_536).decodeStream(r);
    return { version, script, parameterList, returnType, needStorage, name, codeVersion, author, email, description };
  },
});

export interface PublishTransactionData {
  version: number;
  script: Uint8Array;
  parameterList: Uint8Array;
  returnType: number;
  needStorage: boolean;
  name: string;
  codeVersion: string;
  author: string;
  email: string;
  description: string;
}
