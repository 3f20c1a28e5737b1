/**
 * Entry of the page runtime, bundled by `scripts/build-html-runtime.mjs` into one minified
 * script that the emitter inlines after uPlot. It starts only on a page that embeds a
 * dashboard (`<script type="application/json" id="vigil-dashboard">`) and a `#vigil-root`.
 */
import type { PageConfig } from '../page-config.js';
import { startPage } from './page.js';

const embedded = document.getElementById('vigil-dashboard');
const root = document.getElementById('vigil-root');
if (embedded && root) startPage(JSON.parse(embedded.textContent || '') as PageConfig, root);
