import { z } from 'zod';
import { duration, prometheusLabelName, refineNoCredential } from './primitives.js';

const name = z.string().regex(/^[a-z0-9][a-z0-9_.-]*$/, 'expected a lower-case name such as scholar-slack');
const labelName = prometheusLabelName;

/**
 * A secret: a file Alertmanager reads (`*_file`), or an environment variable that a deploy step
 * writes to such a file. Alertmanager does not expand environment variables in its config, so
 * a secret is never a plain string: it would end up inline in a committed, generated file.
 */
const secret = z.union(
  [
    z.strictObject({ file: z.string().min(1) }),
    z.strictObject({ env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected an environment variable name') }),
  ],
  {
    error: (issue) =>
      typeof issue.input === 'string'
        ? 'inline secrets are not allowed (they would be written into alertmanager/alertmanager.yml): expected `{ file: /path/to/secret }` or `{ env: VARIABLE }`'
        : 'expected a secret reference `{ file: /path/to/secret }` or `{ env: VARIABLE }`',
  },
);

const sendResolved = z.boolean().default(true);

const webhook = z.strictObject({
  /** A webhook URL without credentials may be inline; one that is itself a secret is a reference. */
  url: z.union([z.string().url(), secret]).superRefine((value, ctx) => {
    if (typeof value === 'string') refineNoCredential(value, ctx);
  }),
  bearer_token: secret.optional(),
  send_resolved: sendResolved,
});
const slack = z.strictObject({
  api_url: secret,
  channel: z.string().min(1),
  send_resolved: sendResolved,
});
const email = z.strictObject({
  to: z.string().min(1),
  from: z.string().min(1),
  smarthost: z.string().regex(/^[^\s:]+:\d+$/, 'expected host:port'),
  auth_username: z.string().min(1).optional(),
  auth_password: secret.optional(),
  require_tls: z.boolean().default(true),
  send_resolved: sendResolved,
});
const pagerduty = z.strictObject({
  routing_key: secret,
  send_resolved: sendResolved,
});

const receiver = z.strictObject({
  name,
  webhook: z.array(webhook).default([]),
  slack: z.array(slack).default([]),
  email: z.array(email).default([]),
  pagerduty: z.array(pagerduty).default([]),
});

/** One value or several (any of them matches). */
const oneOrMany = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

const route = z.strictObject({
  receiver: name,
  team: oneOrMany.optional(),
  service: oneOrMany.optional(),
  severity: z.union([z.enum(['info', 'warning', 'critical']), z.array(z.enum(['info', 'warning', 'critical'])).min(1)]).optional(),
  alertname: oneOrMany.optional(),
  matchers: z.record(labelName, z.string()).default({}),
  /** Where the escalated copy of these alerts (`escalate_after`) goes instead. */
  escalation_receiver: name.optional(),
  group_by: z.array(labelName).optional(),
  group_wait: duration.optional(),
  group_interval: duration.optional(),
  repeat_interval: duration.optional(),
  continue: z.boolean().default(false),
});

/** `notifications:` in a definitions file: Alertmanager receivers, routes and grouping. */
export const NotificationsSchema = z.strictObject({
  default_receiver: name,
  /** Where `{ env: NAME }` secrets are written before Alertmanager starts (one file per variable). */
  secrets_dir: z
    .string()
    .regex(/^[A-Za-z0-9_./-]+$/, 'expected a directory path of letters, digits, `_`, `.`, `/` and `-`')
    .default('/etc/alertmanager/secrets'),
  group_by: z.array(labelName).default(['alertname', 'service']),
  group_wait: duration.default('30s'),
  group_interval: duration.default('5m'),
  repeat_interval: duration.default('4h'),
  receivers: z.array(receiver).min(1),
  routes: z.array(route).default([]),
});

export type NotificationsSpec = z.infer<typeof NotificationsSchema>;
export type ReceiverSpec = z.infer<typeof receiver>;
export type RouteSpec = z.infer<typeof route>;
export type SecretSpec = z.infer<typeof secret>;
