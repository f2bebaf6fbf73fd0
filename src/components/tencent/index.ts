// Tencent Cloud CVM hosts for berth: official-SDK clients, host operations, dynamic resources, and
// what a lab of many hosts shares (one security group and key pair, rate limits, batched calls).
export { checkEndpoint, resolveCredentials, tencentApi, type TencentApi, type TencentClientOptions, type TencentCredentials } from "./client.js";
export { TencentApiError } from "./errors.js";
export { createInstance, readInstance, specProblem, type InstanceSpec, type CreatedInstance, type InstanceInfo } from "./instance.js";
export { deleteInstance } from "./teardown.js";
export { TencentInstance, tencentInstanceProvider, type TencentInstanceArgs } from "./provider.js";
export { TencentLabNetwork, TencentLabNetworkProvider, tencentLabNetworkProvider, type TencentLabNetworkArgs } from "./lab-network-provider.js";
export { tencentLabPreflight, type LabPreflight, type LabPreflightInput } from "./preflight.js";
