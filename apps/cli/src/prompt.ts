import { createInterface } from 'node:readline';
import { CliError } from './hub-client';

/** The first line of stdin (for --password-stdin), without its line ending. */
export async function readFirstLineOfStdin(): Promise<string> {
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    lines.close();
    return line;
  }
  throw new CliError('expected a password on standard input');
}

/** Asks on the terminal without echoing what is typed. */
export async function promptSecret(question: string): Promise<string> {
  if (!process.stdin.isTTY) throw new CliError('no terminal to ask for a password: use --password-stdin');
  process.stderr.write(question);
  const stdin = process.stdin;
  stdin.setRawMode(true);
  stdin.resume();
  let value = '';
  try {
    return await new Promise<string>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        for (const char of chunk.toString('utf8')) {
          if (char === '\r' || char === '\n') {
            stdin.off('data', onData);
            process.stderr.write('\n');
            return resolve(value);
          }
          if (char === '\u0003') {
            stdin.off('data', onData);
            return reject(new CliError('cancelled'));
          }
          if (char === '\u007f') value = value.slice(0, -1);
          else value += char;
        }
      };
      stdin.on('data', onData);
    });
  } finally {
    stdin.setRawMode(false);
    stdin.pause();
  }
}

export async function passwordFrom(options: { passwordStdin?: boolean }, question = 'Password: '): Promise<string> {
  return options.passwordStdin ? readFirstLineOfStdin() : promptSecret(question);
}
