/** Importers: SLO specs of other tools converted into Vigil definitions (loaded on demand by the CLI). */
export { importSloth } from './sloth.js';
export { importOpenSlo } from './openslo.js';
