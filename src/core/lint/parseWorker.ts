/**
 * The lint's parse helper thread: parses and converts the second part of a large Python file
 * while the main thread does the first (see parallelParse.ts). Answers on the port it is given,
 * then bumps `flag[1]` to the request's id so a main thread blocked in Atomics.wait wakes up.
 */
import { workerData, type MessagePort } from 'node:worker_threads';
import { loadPython } from './parser';
import { parseSyntax } from './syntax';
import { encodeStatements } from './syntaxCodec';
import type { ParseReply, ParseRequest } from './parallelProtocol';

const { port, flag } = workerData as { port: MessagePort; flag: Int32Array };

function answer(reply: ParseReply): void {
  if (reply.kind === 'parsed') port.postMessage(reply, [reply.encoded.nodes.buffer as ArrayBuffer, reply.encoded.comments.buffer as ArrayBuffer]);
  else port.postMessage(reply);
  Atomics.store(flag, 1, reply.id);
  Atomics.notify(flag, 1);
}

function parse({ id, text }: ParseRequest): ParseReply {
  const s = parseSyntax(text);
  // the main thread then parses the whole file itself: no need to send the statements
  if (s.hasError) return { kind: 'syntaxError', id };
  return { kind: 'parsed', id, encoded: encodeStatements(s.root.children, s.comments) };
}

loadPython().then(
  () => {
    port.on('message', (req: ParseRequest) => {
      let reply: ParseReply;
      try {
        reply = parse(req);
      } catch (e) {
        reply = { kind: 'failed', id: req.id, error: (e as Error).message };
      }
      answer(reply);
    });
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
  },
  () => {
    Atomics.store(flag, 0, -1);
    Atomics.notify(flag, 0);
  },
);
