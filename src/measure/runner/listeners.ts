/**
 * The service-detect scenario's listeners, run as their own process inside the
 * harness's namespace (`ip netns exec NAME node listeners.js CERT KEY`): an HTTP
 * server, a TLS server and a banner server on loopback. Prints "ready" once all
 * listen; exits on SIGTERM or when its stdin closes (so it never outlives the harness).
 */
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createTcpServer, type Server } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { SERVICE_PORTS } from '../scenarios.js';

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
}

async function main(): Promise<void> {
  const [certFile, keyFile] = process.argv.slice(2);
  const servers: Server[] = [];
  const http = createHttpServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html', Server: 'prtip-perf-listener/1.0' });
    res.end('<html><body>prtip-perf</body></html>\n');
  });
  servers.push(http);
  await listen(http, SERVICE_PORTS.http);
  if (certFile && keyFile) {
    const tls = createTlsServer({ cert: readFileSync(certFile), key: readFileSync(keyFile) }, (socket) => {
      socket.end('HTTP/1.1 200 OK\r\nServer: prtip-perf-tls/1.0\r\nContent-Length: 0\r\n\r\n');
    });
    servers.push(tls);
    await listen(tls, SERVICE_PORTS.tls);
  }
  const banner = createTcpServer((socket) => {
    socket.on('error', () => {});
    socket.write('SSH-2.0-OpenSSH_9.2p1 prtip-perf\r\n');
    setTimeout(() => socket.destroy(), 5000).unref();
  });
  servers.push(banner);
  await listen(banner, SERVICE_PORTS.banner);
  const stop = (): void => {
    for (const s of servers) s.close();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.stdin.on('end', stop);
  process.stdin.on('close', stop);
  process.stdin.resume();
  process.stdout.write('ready\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`listeners: ${(err as Error).message}\n`);
  process.exit(1);
});
