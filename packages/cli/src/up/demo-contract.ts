// The seam between `vigil up --demo` and the `@vigil/demo` package. The CLI does not depend on
// the package: it imports it on demand, so `vigil up` without `--demo` works where it is absent.

/** What `vigil up --demo` passes to {@link StartDemo}. */
export interface DemoOptions {
  /** The project root (absolute). */
  projectDir: string;
  /** The definitions directory (absolute), as `vigil generate` read it. */
  definitionsDir: string;
  /**
   * Where Prometheus reads its file_sd files (absolute; `<project>/.vigil/targets` by default).
   * Before `startDemo` resolves, the demo writes one `<job>.json` per service job it serves, in
   * Prometheus's file_sd format: `[{"targets":["127.0.0.1:PORT"],"labels":{}}]` (written
   * atomically, e.g. with `@vigil/conventions/atomic-file`). Jobs without a file keep the
   * targets the definitions declare.
   */
  targetsDir: string;
  /**
   * The business logic card the autopilot's service reads (absolute): `vigil up --demo` copies
   * the project's card under the state directory, so the demo never edits a committed file.
   * Without it, the demo reads the autopilot's `parameters_file` in the project.
   */
  autopilotParametersFile?: string;
  /** One line of progress for the user (no trailing newline); the CLI prefixes and prints it. */
  onLog: (line: string) => void;
}

/** One simulated service the demo runs: its scrape job and its `/metrics` URL. */
export interface DemoService {
  job: string;
  url: string;
}

/** A running demo. */
export interface DemoStack {
  services: DemoService[];
  /**
   * Stops every simulated service (no timer or socket left, so the process can exit) and
   * removes the file_sd files it wrote. Called once, when the stack stops.
   */
  stop(): Promise<void>;
}

/**
 * The one function `@vigil/demo` exports for `vigil up --demo`: starts simulated services that
 * record the project's catalog metrics, writes their file_sd files, and resolves once they listen.
 */
export type StartDemo = (options: DemoOptions) => Promise<DemoStack>;

/** The package `vigil up --demo` imports {@link StartDemo} from (its `startDemo` export). */
export const DEMO_PACKAGE = '@vigil/demo';
