import type { OutputEmitter } from '../../outputs.js';
import { emitAlertmanagerConfig } from '../alertmanager-config.js';
import { emitAlertmanagerTemplates } from '../alertmanager-templates.js';

/** `alertmanager/`: the configuration, its templates and the secrets script. */
export const emitAlertmanager: OutputEmitter = (model) => [...emitAlertmanagerConfig(model), ...emitAlertmanagerTemplates(model)];
