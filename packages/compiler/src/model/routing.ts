import type { SourceLocation } from '../errors.js';
import type { Matcher } from '../promql/matcher.js';

/**
 * Where a secret lives. `file` is read by Alertmanager itself (`*_file`); `env` names a variable
 * that the deploy writes to `<secretsDir>/<name>` before Alertmanager starts
 * (`alertmanager/secrets-from-env.sh`), because Alertmanager does not expand variables.
 */
export type SecretRef = { kind: 'file'; path: string } | { kind: 'env'; name: string };

/** One way a receiver notifies people. */
export type Integration =
  | { kind: 'webhook'; url: string | SecretRef; bearerToken?: SecretRef; sendResolved: boolean }
  | { kind: 'slack'; apiUrl: SecretRef; channel: string; sendResolved: boolean }
  | {
      kind: 'email';
      to: string;
      from: string;
      smarthost: string;
      authUsername?: string;
      authPassword?: SecretRef;
      requireTls: boolean;
      sendResolved: boolean;
    }
  | { kind: 'pagerduty'; routingKey: SecretRef; sendResolved: boolean };

/** An Alertmanager receiver: a name and its integrations. */
export interface Receiver {
  name: string;
  integrations: Integration[];
  source: SourceLocation;
}

/** Grouping and timing of notifications; unset fields inherit from the parent route. Seconds. */
export interface Grouping {
  groupBy?: string[];
  groupWaitSeconds?: number;
  groupIntervalSeconds?: number;
  repeatIntervalSeconds?: number;
}

/** A user route: alerts whose labels match go to `receiver` (escalated copies to `escalationReceiver`). */
export interface NotificationRoute extends Grouping {
  receiver: string;
  matchers: Matcher[];
  escalationReceiver?: string;
  continue: boolean;
  source: SourceLocation;
}

/** Notification routing, defaults applied. */
export interface Notifications {
  defaultReceiver: string;
  secretsDir: string;
  groupBy: string[];
  groupWaitSeconds: number;
  groupIntervalSeconds: number;
  repeatIntervalSeconds: number;
  receivers: Receiver[];
  routes: NotificationRoute[];
  source: SourceLocation;
}

/** The label that marks the escalated copy of an alert (see rules/alerts.ts). */
export const ESCALATED_LABEL = 'escalated';
