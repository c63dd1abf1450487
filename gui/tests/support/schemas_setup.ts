// Vitest global set-up: the real /schemas output of a running kongdb, for every entity with an
// endpoint and every plugin the server has, written to .fixtures/schemas.json for the tests.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { guiRoot, startKongdb } from './kongdb';

export const fixturePath = path.join(guiRoot, '.fixtures', 'schemas.json');

export default async function setup(): Promise<() => Promise<void>> {
  const kongdb = await startKongdb();
  const get = async (p: string): Promise<unknown> => {
    const r = await fetch(kongdb.adminUrl + p);
    if (!r.ok) throw new Error(`GET ${p}: ${r.status} ${await r.text()}`);
    return r.json();
  };
  try {
    const endpoints = ((await get('/endpoints')) as { data: string[] }).data;
    const root = (await get('/')) as { plugins: { available_on_server: Record<string, unknown> } };
    const { discoverEntities } = await import('../../src/schema');
    const entities: Record<string, unknown> = {};
    for (const e of discoverEntities(endpoints)) entities[e.schema] = await get(`/schemas/${e.schema}`);
    const plugins: Record<string, unknown> = {};
    for (const name of Object.keys(root.plugins.available_on_server)) plugins[name] = await get(`/schemas/plugins/${name}`);
    mkdirSync(path.dirname(fixturePath), { recursive: true });
    writeFileSync(fixturePath, JSON.stringify({ endpoints, entities, plugins }, null, 1));
  } finally {
    await kongdb.stop();
  }
  return async () => {};
}
