// cloud-params.ts — request-parameter helpers of the local Tencent Cloud API stand-in: the real
// API answers type and presence errors like these.
import { ApiError } from "./cloud-state.js";

export type Params = Record<string, unknown>;

export function missing(name: string): ApiError {
  return new ApiError("MissingParameter", `The request is missing a required parameter \`${name}\`.`);
}

export function optStr(p: Params, name: string): string | undefined {
  const v = p[name];
  if (v === undefined) return undefined;
  if (typeof v !== "string") throw new ApiError("InvalidParameter", `The parameter \`${name}\` must be a string.`);
  return v;
}

export function reqStr(p: Params, name: string, path = name): string {
  const v = optStr(p, name);
  if (v === undefined || v === "") throw missing(path);
  return v;
}

export function optNum(p: Params, name: string): number | undefined {
  const v = p[name];
  if (v === undefined) return undefined;
  if (typeof v !== "number" || !Number.isInteger(v)) throw new ApiError("InvalidParameter", `The parameter \`${name}\` must be an integer.`);
  return v;
}

export function optBool(p: Params, name: string): boolean | undefined {
  const v = p[name];
  if (v === undefined) return undefined;
  if (typeof v !== "boolean") throw new ApiError("InvalidParameter", `The parameter \`${name}\` must be a boolean.`);
  return v;
}

export function optObj(p: Params, name: string): Params | undefined {
  const v = p[name];
  if (v === undefined) return undefined;
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new ApiError("InvalidParameter", `The parameter \`${name}\` must be an object.`);
  return v as Params;
}

export function optStrArr(p: Params, name: string): string[] | undefined {
  const v = p[name];
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== "string")) throw new ApiError("InvalidParameter", `The parameter \`${name}\` must be an array of strings.`);
  return v as string[];
}

export function checkIds(ids: string[], prefix: string, code: string): void {
  const re = new RegExp(`^${prefix}-[a-z0-9]{8}$`);
  for (const id of ids) if (!re.test(id)) throw new ApiError(code, `The specified ID \`${id}\` is malformed.`);
}

/** What RunInstances and InquiryPriceRunInstances both check: where, which image, which type. */
export function placement(p: Params, region: string): { zone: string; imageId: string; instanceType: string } {
  const placement = optObj(p, "Placement");
  const zone = placement ? optStr(placement, "Zone") : undefined;
  if (!zone) throw missing("Placement.Zone");
  const imageId = reqStr(p, "ImageId");
  const instanceType = reqStr(p, "InstanceType"); // the docs default it to S1.SMALL1; berth always sends it
  if (!zone.startsWith(`${region}-`)) throw new ApiError("InvalidZone.MismatchRegion", `The zone \`${zone}\` does not exist in region \`${region}\`.`);
  if (!/^img-[a-z0-9]{8}$/.test(imageId)) throw new ApiError("InvalidImageId.Malformed", `The image ID \`${imageId}\` is malformed.`);
  if (!/^[A-Z0-9]+\.[A-Z0-9]+$/.test(instanceType)) throw new ApiError("InvalidInstanceType.Malformed", `The instance type \`${instanceType}\` is malformed.`);
  return { zone, imageId, instanceType };
}

