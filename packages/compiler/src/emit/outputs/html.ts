import type { OutputEmitter } from '../../outputs.js';
import { emitHtmlDashboards } from '../html-dashboards.js';

/** `dashboards/html/`: self-contained pages Prometheus serves itself. */
export const emitHtml: OutputEmitter = emitHtmlDashboards;
