/**
 * `pulumi up` runs this: one DockerHost from stacks/Pulumi.<stack>.yaml and its outputs, or — for
 * a lab stack — one host per student and the lab's outputs (undefined outputs are not exported).
 */
import { main } from "./program.js";

const out = await main();

export const publicIp = out.publicIp;
export const sshUser = out.sshUser;
export const sshPort = out.sshPort;
export const ssh = out.ssh;
export const appUrl = out.appUrl;
export const hostKeyFingerprint = out.hostKeyFingerprint;
export const mirrors = out.mirrors;
/** A lab: its name, end, cost estimate and roster. */
export const lab = out.lab;
/** A lab: each student's host, by student id. */
export const students = out.students;
/** A lab: the private keys berth made, by student id (a secret; `berth lab handout` reads it). */
export const studentKeys = out.studentKeys;
/** A cache host's address on the private network, and the berth:bootstrap.cache its clients use. */
export const cacheUrl = out.cacheUrl;
export const cacheClient = out.cacheClient;
