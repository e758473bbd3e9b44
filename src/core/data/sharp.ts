/** sharp (native libvips) loads on first use: ~90 ms the worker need not pay on IDX or .npy data. */
import type SharpType from 'sharp';

let loaded: Promise<typeof SharpType> | undefined;

export function loadSharp(): Promise<typeof SharpType> {
  loaded ??= import('sharp').then((m) => (m as unknown as { default?: typeof SharpType }).default ?? (m as unknown as typeof SharpType));
  return loaded;
}
