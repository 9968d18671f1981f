/** A no-echo password prompt on the controlling terminal. */
import { KtError } from '../errors.js';

export async function promptSecret(question: string): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) {
    throw new KtError('INPUT_INVALID', 'no terminal to ask for the password', {
      hint: 'give --password-file FILE, --password-stdin, or set the password environment variable',
    });
  }
  // Echo off first, then the question: an answer sent as soon as the question shows (a paste,
  // an expect script) must never meet a terminal that still echoes.
  stdin.setRawMode(true);
  process.stderr.write(question);
  stdin.resume();
  stdin.setEncoding('utf8');
  return new Promise<string>((resolve, reject) => {
    let answer = '';
    const done = (err?: KtError): void => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.removeListener('data', onData);
      process.stderr.write('\n');
      if (err) reject(err);
      else resolve(answer);
    };
    const onData = (chunk: string): void => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return done();
        if (ch === '\u0003') return done(new KtError('INPUT_INVALID', 'interrupted'));
        if (ch === '\u007f' || ch === '\b') answer = [...answer].slice(0, -1).join('');
        else answer += ch;
      }
    };
    stdin.on('data', onData);
  });
}
