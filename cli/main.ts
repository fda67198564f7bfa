/**
 * `ans`: the command line of Antshares Web. Every command prints JSON or one plain line; bad
 * input gets one line on stderr naming what is wrong and exit code 2, never a stack trace.
 */
import { isInputError } from '../core/encoding/errors.ts';
import { UsageError } from './args.ts';
import { out } from './output.ts';
import { keyCommand, addressCommand } from './keys.ts';
import { decodeCommand } from './decode.ts';
import { sigCommand } from './sig.ts';
import { devnetCommand, nodeCommand, statusCommand } from './network.ts';
import { agentCommand } from './agent.ts';

const HELP = `ans: Antshares Web command line

  ans key new [--private] [--out FILE]     a new P-256 key (public parts; the private key only when asked)
  ans key inspect <wif|hex> [--private]    what a private key (WIF or hex) or public key (hex) is
  ans address <pubkey...> [--m M] [--json] the single-key or M-of-N address of public keys
  ans tx decode <hex|->                    every field of a transaction, and its hash
  ans block decode <hex|->                 every field of a block, its transaction hashes and merkle root
  ans sig verify --pubkey HEX --msg HEX --sig HEX [--curve secp256k1]
                                           exit 0 and "valid", or exit 1 and "invalid"
  ans sig verify --batch                   JSON lines {pubkey,msg,sig} on stdin, "valid" or "invalid" a line

  ans devnet [--data DIR] [--port 4001] [--http 4002]
                                           the local network: relay, 4 validators, faucet (DIR: .ans-devnet)
  ans node --data DIR [--network DIR|URL] [--key FILE] [--listen ADDR,...] [--announce ADDR,...]
           [--bootstrap ADDR,...] [--relay] [--status-port N] [--status-host IP]
                                           one peer (a validator with a key file: WIF or hex) of a network
                                           described by a devnet folder or its URL (default: the local network);
                                           its peer id is kept in DIR/peer.key; --relay serves browsers' circuit relay
  ans status [--url URL] [--json]          height, peers, validators, mempool, last block of the local network
  ans agent --key FILE --data DIR [--network DIR|URL] [--fee BPS] [--http PORT] [--listen ADDR,...] [--bootstrap ADDR,...]
                                           an exchange agent: takes orders (libp2p, HTTP POST /orders), one batch
                                           auction per block, settlements paid from its AntCoin (docs/exchange.md)
  ans agent audit --agent ADDRESS [--network DIR|URL] [--json]
                                           replays an agent's signed book against its settlements on chain;
                                           exit 1 with what it found (a fill worse than its batch's price, ...)

Exit codes: 0 done (or valid), 1 invalid signature, 2 bad input.`;

/** Runs one command line; returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'key': return await keyCommand(rest);
      case 'address': return await addressCommand(rest);
      case 'tx':
      case 'block': return await decodeCommand(command, rest);
      case 'sig': return await sigCommand(rest);
      case 'devnet': return await devnetCommand(rest);
      case 'node': return await nodeCommand(rest);
      case 'agent': return await agentCommand(rest);
      case 'status': return await statusCommand(rest);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        out(HELP);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command "${command}" (try: ans help)`);
    }
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const known = e instanceof UsageError || isInputError(e) || e instanceof RangeError || e instanceof TypeError;
    process.stderr.write(`ans: ${known ? '' : 'internal error: '}${message.split('\n')[0]}\n`);
    return known ? 2 : 3;
  }
}
