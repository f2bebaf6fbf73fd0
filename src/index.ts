/** `pulumi up` runs this: one DockerHost from stacks/Pulumi.<stack>.yaml, and its outputs. */
import { program } from "./program.js";

const out = program();

export const publicIp = out.publicIp;
export const sshUser = out.sshUser;
export const sshPort = out.sshPort;
export const ssh = out.ssh;
export const appUrl = out.appUrl;
export const hostKeyFingerprint = out.hostKeyFingerprint;
export const mirrors = out.mirrors;
/** A cache host's address on the private network, and the berth:bootstrap.cache its clients use. */
export const cacheUrl = out.cacheUrl;
export const cacheClient = out.cacheClient;
