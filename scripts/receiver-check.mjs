// Is the extension's receiver receiving the demo's traces? Asks the port the demo sends to, in the words a new
// user needs: nothing listens yet (open the window), something else holds the port (what, and what to do), or the
// Spanscope receiver holds N traces from the shop.
//
// It speaks the receiver's hub protocol (src/backends/receiver/hub.ts): `hello` with a fresh nonce, checked against
// HMAC-SHA256(key, "server:" + nonce) before the key is sent; then `status` with the key as bearer token. The key is
// the file the extension keeps in its global storage (readable by this user only).
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import { join } from 'node:path';

export const HUB_PATH = '/spanscope/hub';

/** Where the extension keeps its hub key in a code-server (or VS Code) user-data-dir. */
export function hubKeyFile(userDataDir, extensionId = 'spanscope.spanscope') {
  return join(userDataDir, 'User', 'globalStorage', extensionId, 'receiver-hub.key');
}

function request(options, body) {
  return new Promise(resolve => {
    const req = http.request({ agent: false, timeout: 2000, ...options }, res => {
      const chunks = [];
      let size = 0;
      res.on('data', c => { size += c.length; if (size <= 1024 * 1024) chunks.push(c); });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', err => resolve({ error: err }));
    });
    req.on('timeout', () => { req.destroy(); resolve({ error: Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' }) }); });
    req.on('error', err => resolve({ error: err }));
    req.end(body);
  });
}

function readKey(file) {
  try {
    const key = readFileSync(file, 'utf8').trim();
    return /^[0-9a-f]{64}$/.test(key) ? key : undefined;
  } catch {
    return undefined;
  }
}

/**
 * @param {{ host?: string, port: number, keyFile: string, service: string }} o
 * @returns {Promise<{ state: 'receiving' | 'waiting' | 'no-traces' | 'wrong-receiver', message: string, traces?: number }>}
 */
export async function checkReceiver({ host = '127.0.0.1', port, keyFile, service }) {
  const where = `${host}:${port}`;
  const nonce = randomBytes(16).toString('hex');
  const hello = await request({ host, port, method: 'GET', path: `${HUB_PATH}/hello?nonce=${nonce}` });
  if (hello.error?.code === 'ECONNREFUSED') {
    return { state: 'waiting', message: `nothing listens on ${where} yet: the extension starts its receiver when a code-server window opens` };
  }
  let info;
  try { info = hello.status === 200 ? JSON.parse(hello.body) : undefined; } catch { /* not JSON */ }
  if (info?.service !== 'spanscope-receiver') {
    // Not a Spanscope receiver: an OTLP endpoint of another program, or anything else.
    const otlp = await request({ host, port, method: 'POST', path: '/v1/traces', headers: { 'content-type': 'application/x-protobuf', 'content-length': '0' } });
    const isOtlp = /application\/(x-)?protobuf|application\/json/i.test(String(otlp.headers?.['content-type'] ?? '')) && [200, 401, 403].includes(otlp.status);
    const what = isOtlp
      ? 'another OTLP receiver (an OpenTelemetry Collector, Jaeger, or `spanscope receive`), not the extension'
      : hello.error ? `a program that does not answer HTTP (${hello.error.message})` : `another program (it answered HTTP ${hello.status})`;
    return { state: 'wrong-receiver', message: `${where} is held by ${what}: the shop's traces go there and the Live view stays empty. Stop it (\`ss -ltnp 'sport = :${port}'\` shows which process), then reload the code-server window` };
  }
  const key = readKey(keyFile);
  const expected = key ? createHmac('sha256', key).update(`server:${nonce}`).digest('hex') : '';
  const proof = String(info.proof ?? '');
  if (!key || proof.length !== expected.length || !timingSafeEqual(Buffer.from(proof), Buffer.from(expected))) {
    return { state: 'wrong-receiver', message: `${where} is held by a Spanscope receiver of another VS Code or code-server (not this demo's): the shop's traces show there, not here. Close that editor window, then reload the demo's` };
  }
  const status = await request({ host, port, method: 'GET', path: `${HUB_PATH}/status`, headers: { authorization: `Bearer ${key}` } });
  let s;
  try { s = status.status === 200 ? JSON.parse(status.body) : undefined; } catch { /* not JSON */ }
  if (!s) return { state: 'waiting', message: `the Spanscope receiver on ${where} did not answer its status (${status.error?.message ?? `HTTP ${status.status}`})` };
  const traces = Number(s.services?.[service] ?? 0);
  const windows = 1 + Number(s.followers ?? 0);
  if (traces > 0) {
    return { state: 'receiving', traces, message: `the Spanscope receiver on ${where} has ${traces} trace(s) from the shop (${service}); ${windows} window(s) show them in the Live view` };
  }
  return { state: 'no-traces', traces: 0, message: `the Spanscope receiver on ${where} runs but holds no trace from the shop (${service}) yet` };
}
