// The TC3-HMAC-SHA256 signer against Tencent's worked example, and the stand-in's verification
// against raw HTTP requests (no SDK): good, tampered, wrong key, stale, unknown SecretId.
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TencentApiServer, tc3Authorization, tc3Sign } from "./server.js";
import { SECRET_ID, SECRET_KEY, startServer } from "./helpers.js";

describe("tc3Sign", () => {
  it("reproduces Tencent's Signature v3 worked example", () => {
    const r = tc3Sign({
      method: "POST",
      headers: { "content-type": "application/json; charset=utf-8", host: "cvm.tencentcloudapi.com" },
      payload: '{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}',
      timestamp: 1551113065,
      service: "cvm",
      secretKey: "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE",
    });
    expect(r.credentialScope).toBe("2019-02-25/cvm/tc3_request");
    expect(r.signedHeaders).toBe("content-type;host");
    expect(r.signature).toBe("72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168");
  });
});

interface RawOptions {
  body?: string;
  signedBody?: string;
  secretId?: string;
  secretKey?: string;
  timestamp?: number;
  host?: string;
  service?: string;
}

/** A hand-built signed request, optionally signed over something other than what is sent. */
async function raw(server: TencentApiServer, o: RawOptions = {}): Promise<{ Error?: { Code: string; Message: string }; RequestId: string; [k: string]: unknown }> {
  const body = o.body ?? '{"InstanceIds":[]}';
  const host = o.host ?? "cvm.tencentcloudapi.com";
  const timestamp = o.timestamp ?? Math.floor(Date.now() / 1000);
  const contentType = "application/json; charset=utf-8";
  const authorization = tc3Authorization(
    { method: "POST", headers: { "content-type": contentType, host }, payload: o.signedBody ?? body, timestamp, service: o.service ?? host.split(".")[0]!, secretKey: o.secretKey ?? SECRET_KEY },
    o.secretId ?? SECRET_ID,
  );
  const text = await new Promise<string>((resolve, reject) => {
    const req = request(
      { host: "127.0.0.1", port: server.port, method: "POST", path: "/", headers: {
        Host: host, "Content-Type": contentType, Authorization: authorization,
        "X-TC-Action": "DescribeInstances", "X-TC-Version": "2017-03-12", "X-TC-Region": "ap-guangzhou", "X-TC-Timestamp": String(timestamp),
      } },
      (res) => {
        let data = "";
        res.on("data", (c) => (data += c));
        res.on("end", () => resolve(data));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
  return JSON.parse(text).Response;
}

describe("the stand-in verifies every signature", () => {
  let server: TencentApiServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.stop());

  it("accepts a correctly signed request", async () => {
    const r = await raw(server);
    expect(r.Error).toBeUndefined();
    expect(r.TotalCount).toBe(0);
    expect(server.requests.at(-1)?.signatureOk).toBe(true);
  });

  it("rejects a body changed after signing", async () => {
    const r = await raw(server, { signedBody: '{"InstanceIds":[]}', body: '{"InstanceIds":["ins-aaaaaaaa"]}' });
    expect(r.Error?.Code).toBe("AuthFailure.SignatureFailure");
    expect(r.RequestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(server.requests.at(-1)?.signatureOk).toBe(false);
  });

  it("rejects a signature made with the wrong SecretKey", async () => {
    const r = await raw(server, { secretKey: "notTheKey" });
    expect(r.Error?.Code).toBe("AuthFailure.SignatureFailure");
  });

  it("rejects a credential scope whose service is not the Host's first label", async () => {
    const r = await raw(server, { service: "vpc" });
    expect(r.Error?.Code).toBe("AuthFailure.SignatureFailure");
  });

  it("rejects a timestamp more than 5 minutes off", async () => {
    const r = await raw(server, { timestamp: Math.floor(Date.now() / 1000) - 301 });
    expect(r.Error?.Code).toBe("AuthFailure.SignatureExpire");
    const future = await raw(server, { timestamp: Math.floor(Date.now() / 1000) + 400 });
    expect(future.Error?.Code).toBe("AuthFailure.SignatureExpire");
  });

  it("rejects an unknown SecretId", async () => {
    const r = await raw(server, { secretId: "AKIDnobody" });
    expect(r.Error?.Code).toBe("AuthFailure.SecretIdNotFound");
    expect(r.Error?.Message).not.toContain("AKIDnobody");
  });
});
