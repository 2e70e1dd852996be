// The two drivers return integers differently: better-sqlite3 (in safe-integer mode) gives bigint
// for every integer, pg (with our int8 parser) gives bigint for BIGINT and COUNT, number for
// INTEGER, and a decimal string for SUM over BIGINT. This plugin makes results identical on both,
// by one naming rule, so the code above never branches on the backend:
//
//   - a column (or alias) named `*_nanos` is money: it becomes a bigint, exactly;
//   - any other bigint becomes a number, and one beyond 2^53 throws rather than lose precision.
import type {
  KyselyPlugin,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from 'kysely';

export class IntegerColumnsPlugin implements KyselyPlugin {
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    const { result } = args;
    if (result.rows.length === 0) return result;
    return { ...result, rows: result.rows.map(normaliseRow) };
  }
}

function normaliseRow(row: UnknownRow): UnknownRow {
  const out: Record<string, unknown> = {};
  for (const [column, value] of Object.entries(row)) {
    if (column.endsWith('_nanos')) out[column] = toMoney(column, value);
    else if (typeof value === 'bigint') out[column] = toSafeNumber(column, value);
    else out[column] = value;
  }
  return out;
}

function toMoney(column: string, value: unknown): unknown {
  if (value === null || value === undefined || typeof value === 'bigint') return value;
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return BigInt(value);
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  throw new RangeError(`column ${column} holds a money amount that is not a whole number of nano-dollars: ${String(value)}`);
}

function toSafeNumber(column: string, value: bigint): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new RangeError(
      `column ${column} holds ${value}, beyond exact JS numbers; name it *_nanos if it is money`,
    );
  }
  return Number(value);
}
