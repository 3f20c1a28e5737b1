import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/** uPlot's minified browser build and stylesheet, to inline into a page. */
export interface UplotAssets {
  script: string;
  style: string;
}

let cached: UplotAssets | undefined;

/**
 * Reads uPlot's IIFE build and CSS from the installed `uplot` package (read once, then cached).
 * The script keeps its `/*! ... *\/` header, which carries the MIT license's pointer.
 */
export function loadUplotAssets(): UplotAssets {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const dist = (file: string) => readFileSync(require.resolve(`uplot/dist/${file}`), 'utf8');
  cached = { script: dist('uPlot.iife.min.js'), style: dist('uPlot.min.css') };
  return cached;
}
