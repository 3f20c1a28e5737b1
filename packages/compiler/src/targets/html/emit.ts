import type { TargetEmit } from '../target.js';
import { emitHtmlDashboards } from './html-dashboards.js';

/** `dashboards/html/`: self-contained pages Prometheus serves itself. */
export const emitHtml: TargetEmit = ({ model }) => ({ files: emitHtmlDashboards(model) });
