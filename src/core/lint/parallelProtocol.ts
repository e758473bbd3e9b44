/** Messages between the lint's main thread and its parse helper thread (parseWorker.ts). */
import type { EncodedStatements } from './syntaxCodec';

export interface ParseRequest {
  id: number;
  /** The part of the file to parse, from a cut point to the end. */
  text: string;
}

export type ParseReply =
  | { kind: 'parsed'; id: number; encoded: EncodedStatements }
  /** The part does not parse cleanly: the main thread parses the whole file instead. */
  | { kind: 'syntaxError'; id: number }
  | { kind: 'failed'; id: number; error: string };
