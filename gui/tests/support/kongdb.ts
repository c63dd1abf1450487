// Starts a real `kongdb start` on a throw-away SQLite file with free loopback ports, serving the
// built GUI (dist/) on its admin_gui_listen. Shared by the Vitest and Playwright set-ups.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const guiRoot = path.resolve(here, '../..');

export interface RunningKongdb {
  adminUrl: string;
  guiUrl: string;
  output(): string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitUntilUp(url: string, child: ChildProcess, log: () => string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`kongdb start exited with ${child.exitCode}:\n${log()}`);
    try {
      const r = await fetch(url);
      if (r.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`kongdb did not answer ${url}:\n${log()}`);
}

export async function startKongdb(extraEnv: Record<string, string> = {}): Promise<RunningKongdb> {
  const binary = process.env.KONGDB ?? path.resolve(guiRoot, '../build/asan/bin/kongdb');
  const dir = mkdtempSync(path.join(tmpdir(), 'kongdb-gui-'));
  const [adminPort, guiPort] = [await freePort(), await freePort()];
  let output = '';
  const child = spawn(binary, ['start'], {
    env: {
      ...process.env,
      KONG_DATABASE: 'sqlite',
      KONG_SQLITE_PATH: path.join(dir, 'kong.sqlite'),
      KONG_ADMIN_LISTEN: `127.0.0.1:${adminPort}`,
      KONG_ADMIN_GUI_LISTEN: `127.0.0.1:${guiPort}`,
      KONG_ADMIN_GUI_ROOT: path.join(guiRoot, 'dist'),
      KONG_ADMIN_ACCESS_LOG: 'off',
      KONG_NGINX_WORKER_PROCESSES: '2',
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const adminUrl = `http://127.0.0.1:${adminPort}`;
  const guiUrl = `http://127.0.0.1:${guiPort}`;
  try {
    await waitUntilUp(`${guiUrl}/kconfig.json`, child, () => output);
  } catch (e) {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return {
    adminUrl,
    guiUrl,
    output: () => output,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
