/** What doctor knows about one host once it has looked: the evidence sections and the probes from here. */
export interface AppFacts {
  readonly name: string;
  /** The URL berth's HTTP health check probes on the host itself, "" without one. */
  readonly healthUrl: string;
  readonly want: string;
  /** Published TCP ports that are meant to be reachable from outside (not bound to 127.0.0.1). */
  readonly ports: readonly number[];
  readonly registry?: { readonly server: string; readonly username: string };
}

export interface PortProbe {
  readonly port: number;
  readonly open: boolean;
  readonly detail: string;
}

export type LoginFacts = { readonly code: number; readonly output: string } | { readonly skipped: "no-password" | "no-registry" };

export interface HostFacts {
  readonly target: string;
  readonly user: string;
  readonly fingerprint: string;
  readonly sections: Readonly<Record<string, string>>;
  readonly app?: AppFacts;
  /** The address the app's ports were probed at from here. */
  readonly outsideAddress: string;
  readonly outside: readonly PortProbe[];
  readonly login: LoginFacts;
}

export const lines = (s: string | undefined): string[] => (s ?? "").split("\n").map((l) => l.trimEnd()).filter((l) => l.trim() !== "");
