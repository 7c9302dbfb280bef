// End-to-end: a body over the 100 MiB limit gets a JSON 413 from a real server (not a dropped
// connection). Kept although it streams ~101 MiB (about a second): Fastify's inject() used by the
// unit tests never goes through Node's HTTP parser, the socket, or the early Content-Length check,
// so only a real server shows what a client such as curl or oaaclient actually receives.
// These tests run the compiled CLI and do not build it: `npm test` runs `npm run build` first.
import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { startWithKey, useCleanup } from './support/cli.js';

useCleanup();

const MiB = 1024 * 1024;

interface Answer {
  status: number;
  text: string;
}

/**
 * POSTs `{"name":"<101 MiB of a>","custom_template":"application"}`, streamed from one reused 1 MiB
 * buffer (never held in memory as a whole), with a Content-Length or chunked. Resolves with the
 * answer; rejects if the connection ends without one. Write errors after the answer (the server
 * stops reading and closes) are expected.
 */
function postHuge(port: number, key: string, chunked: boolean): Promise<Answer> {
  const head = Buffer.from('{"name":"');
  const tail = Buffer.from('","custom_template":"application"}');
  const filler = Buffer.alloc(MiB, 'a');
  const fillerCount = 101;
  const headers: Record<string, string> = { 'content-type': 'application/json', authorization: `Bearer ${key}` };
  if (!chunked) headers['content-length'] = String(head.length + fillerCount * MiB + tail.length);

  return new Promise<Answer>((resolve, reject) => {
    let answered = false;
    const req = http.request({ host: '127.0.0.1', port, path: '/api/v1/providers/custom', method: 'POST', headers, agent: false });
    req.on('response', (res) => {
      answered = true;
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      res.on('error', reject);
    });
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (!answered) reject(new Error(`the server closed the connection without answering: ${error.code ?? error.message}`));
    });
    req.on('close', () => {
      if (!answered) reject(new Error('the server closed the connection without answering'));
    });

    let written = 0;
    const pump = () => {
      while (written < fillerCount) {
        if (req.destroyed || answered) return;
        written += 1;
        if (!req.write(filler)) {
          req.once('drain', pump);
          return;
        }
      }
      req.end(tail);
    };
    req.write(head);
    pump();
  });
}

describe('request body limit', () => {
  for (const chunked of [false, true]) {
    it(`answers a body over 100 MiB with a JSON 413 ResourceExhausted (${chunked ? 'chunked' : 'Content-Length'})`, async () => {
      const { server, key } = await startWithKey();
      const answer = await postHuge(server.port, key, chunked);
      expect(answer.status).toBe(413);
      const body = JSON.parse(answer.text) as { code: string; message: string; request_id: string };
      expect(body.code).toBe('ResourceExhausted');
      expect(body.message).toMatch(/100 MiB/);
      expect(body.request_id).toMatch(/^[0-9a-f]{32}$/);

      // The server is still fine afterwards, and nothing was created.
      const list = await new Promise<Answer>((resolve, reject) => {
        http
          .get({ host: '127.0.0.1', port: server.port, path: '/api/v1/providers/custom', headers: { authorization: `Bearer ${key}` } }, (res) => {
            let text = '';
            res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
          })
          .on('error', reject);
      });
      expect(list.status).toBe(200);
      expect(JSON.parse(list.text)).toMatchObject({ values: [] });
    });
  }
});
