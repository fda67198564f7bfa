/** Codes of the exchange's checks (an order or a cancel refused by an agent, a book that fails its audit). */
import { ProtocolError } from '../encoding/errors.ts';

export type ExchangeErrorCode =
  | 'EXCHANGE_MALFORMED'
  | 'EXCHANGE_VERSION_UNSUPPORTED'
  | 'EXCHANGE_SIGNATURE_INVALID'
  | 'EXCHANGE_WRONG_AGENT'
  | 'EXCHANGE_ORDER_EXPIRED'
  | 'EXCHANGE_ORDER_TOO_LONG'
  | 'EXCHANGE_FEE_NOT_AGREED'
  | 'EXCHANGE_ASSET_UNKNOWN'
  | 'EXCHANGE_SAME_ASSET'
  | 'EXCHANGE_VALUE_NOT_CURRENCY'
  | 'EXCHANGE_PAIR_NOT_TRADED'
  | 'EXCHANGE_AMOUNT_INVALID'
  | 'EXCHANGE_OFF_GRID'
  | 'EXCHANGE_INPUT_SPENT'
  | 'EXCHANGE_INPUT_NOT_CLIENTS'
  | 'EXCHANGE_INPUT_WRONG_ASSET'
  | 'EXCHANGE_INPUT_TWICE'
  | 'EXCHANGE_UNDERFUNDED'
  | 'EXCHANGE_DUPLICATE'
  | 'EXCHANGE_INPUTS_IN_USE'
  | 'EXCHANGE_SELF_TRADE'
  | 'EXCHANGE_ORDER_UNKNOWN'
  | 'EXCHANGE_POLICY_REFUSED'
  | 'EXCHANGE_RATE_LIMITED';

/** An exchange check that failed: plain words, a code, and the data behind it. */
export function exchangeError(code: ExchangeErrorCode, message: string, data: Record<string, unknown> = {}): ProtocolError<ExchangeErrorCode> {
  return new ProtocolError(code, message, data);
}
