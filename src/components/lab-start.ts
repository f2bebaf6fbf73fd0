/**
 * When a lab whose `expires` is a duration started (berth:LabStart): the anchor of its end. create
 * keeps the moment it is given (the start the stack's own outputs recorded, or now) and nothing
 * ever changes it, so every host's expiry — Tencent's ActionTimer, the labels and tags — stays
 * the same absolute time across runs. A resource rather than only a stack output: a `pulumi up`
 * that fails part-way (one student's host refused) writes no stack outputs, but keeps the
 * resources it made, this one among them, so the hosts it made keep their expiry on the next run.
 */
import * as pulumi from "@pulumi/pulumi";

export interface LabStartInputs {
  /** ISO-8601 UTC: the start to keep when the resource is made. */
  startedAt: string;
}

export class LabStartProvider implements pulumi.dynamic.ResourceProvider {
  async create(inputs: LabStartInputs): Promise<pulumi.dynamic.CreateResult<LabStartInputs>> {
    return { id: `started-${inputs.startedAt}`, outs: { startedAt: inputs.startedAt } };
  }

  /** The start never moves: a later candidate is ignored. */
  async diff(): Promise<pulumi.dynamic.DiffResult> {
    return { changes: false };
  }

  async delete(): Promise<void> {
    // Nothing outside the state holds it.
  }
}

export const labStartProvider = new LabStartProvider();

export class LabStart extends pulumi.dynamic.Resource {
  declare readonly startedAt: pulumi.Output<string>;

  constructor(name: string, args: { startedAt: pulumi.Input<string> }, opts: pulumi.CustomResourceOptions = {}) {
    super(labStartProvider, name, { startedAt: args.startedAt }, opts, "berth", "LabStart");
  }
}
