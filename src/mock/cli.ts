// `tollgate mock [--port N] [--host H] [--require-key K]`: runs the simulator in the foreground until
// SIGINT or SIGTERM, then closes it and returns.

import { GatewayError } from '../core/errors.js';
import { startMock } from './server.js';

export const DEFAULT_MOCK_PORT = 8081;
export const DEFAULT_MOCK_HOST = '127.0.0.1';

export class MockArgumentError extends GatewayError {
  constructor(message: string) {
    super('invalid_argument', 400, `tollgate mock: ${message}`);
  }
}

export interface MockCommandOptions {
  readonly port: number;
  readonly host: string;
  readonly requireKey: string | undefined;
}

export const MOCK_USAGE = 'usage: tollgate mock [--port N] [--host H] [--require-key K]';

export function parseMockArgs(args: readonly string[]): MockCommandOptions {
  let port = DEFAULT_MOCK_PORT;
  let host = DEFAULT_MOCK_HOST;
  let requireKey: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') && eq !== -1 ? arg.slice(0, eq) : arg;
    const value = (): string => {
      if (eq !== -1 && name !== arg) return arg.slice(eq + 1);
      const v = args[++i];
      if (v === undefined) throw new MockArgumentError(`${name} needs a value. ${MOCK_USAGE}`);
      return v;
    };
    switch (name) {
      case '--port': {
        const raw = value();
        const n = Number(raw);
        if (!Number.isInteger(n) || n < 0 || n > 65535 || raw.trim() === '') {
          throw new MockArgumentError(`--port must be an integer from 0 to 65535, got '${raw}'`);
        }
        port = n;
        break;
      }
      case '--host':
        host = value();
        break;
      case '--require-key':
        requireKey = value();
        break;
      default:
        throw new MockArgumentError(`unknown argument '${arg}'. ${MOCK_USAGE}`);
    }
  }
  return { port, host, requireKey };
}

export async function runMockCommand(args: string[]): Promise<void> {
  const opts = parseMockArgs(args);
  const mock = await startMock(opts);
  process.stdout.write(`tollgate mock listening on ${mock.url}\n`);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await mock.close();
}
