// Tencent Cloud CVM hosts for berth: official-SDK clients, host operations, dynamic resource.
export { resolveCredentials, tencentApi, type TencentApi, type TencentClientOptions, type TencentCredentials } from "./client.js";
export { TencentApiError } from "./errors.js";
export { createInstance, deleteInstance, readInstance, type InstanceSpec, type CreatedInstance, type InstanceInfo } from "./instance.js";
export { TencentInstance, TencentInstanceProvider, tencentInstanceProvider, type TencentInstanceArgs } from "./provider.js";
