/**
 * What the HTML dashboard emitter needs from `html/`: the page runtime and uPlot (bundled at
 * build time into `runtime-bundle.generated.ts`, so emitting reads no file), the page's
 * stylesheet, and the shape of the JSON the page embeds.
 */
import { RUNTIME_SCRIPT, UPLOT_SCRIPT, UPLOT_STYLE } from './runtime-bundle.generated.js';

export type { PageConfig } from './page-config.js';
export { PAGE_STYLE } from './page-style.js';

/** The browser runtime (`runtime/`, TypeScript) as one minified script, inlined after uPlot. */
export const PAGE_SCRIPT: string = RUNTIME_SCRIPT;

/** uPlot's minified browser build and stylesheet, to inline into a page. */
export interface UplotAssets {
  /** Keeps its `/*! ... *\/` header, which carries the MIT license's pointer. */
  script: string;
  style: string;
}

/** The uPlot version the package depends on, as bundled at build time. */
export const UPLOT_ASSETS: UplotAssets = { script: UPLOT_SCRIPT, style: UPLOT_STYLE };
