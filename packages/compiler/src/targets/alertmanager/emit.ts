import type { TargetEmit } from '../target.js';
import { emitAlertmanagerConfig } from './alertmanager-config.js';
import { emitAlertmanagerTemplates } from './alertmanager-templates.js';

/** `alertmanager/`: the configuration, its templates and the secrets script. */
export const emitAlertmanager: TargetEmit = ({ model }) => ({ files: [...emitAlertmanagerConfig(model), ...emitAlertmanagerTemplates(model)] });
