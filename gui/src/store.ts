// What every view shares: the Admin API client, GET / and GET /endpoints, the entity list and a
// schema cache. Loaded once after start-up (or after login).
import { shallowReactive } from 'vue';
import { AdminApi, ApiError } from './api';
import {
  discoverEntities,
  endpointKey,
  nestedCollections,
  type EntityEndpoint,
  type EntitySchema,
  type Json,
  type NestedCollection,
} from './schema';

export interface NodeInfo {
  version?: string;
  hostname?: string;
  node_id?: string;
  tagline?: string;
  configuration?: { database?: string; [k: string]: Json | undefined };
  plugins?: { available_on_server?: Record<string, Json>; enabled_in_cluster?: string[] };
}

export const store = shallowReactive({
  api: null as AdminApi | null,
  info: null as NodeInfo | null,
  endpoints: [] as string[],
  entities: [] as EntityEndpoint[],
  needsLogin: false,
  loadError: '' as string,
  schemas: {} as Record<string, EntitySchema>,
});

export function api(): AdminApi {
  if (!store.api) throw new Error('the Admin API is not configured yet');
  return store.api;
}

/** GET / and GET /endpoints; a 401 sends the user to the login page. */
export async function loadNode(): Promise<void> {
  store.loadError = '';
  try {
    const [info, endpoints] = await Promise.all([
      api().get<NodeInfo>('/'),
      api().get<{ data: string[] }>('/endpoints'),
    ]);
    store.info = info;
    store.endpoints = endpoints.data;
    store.entities = discoverEntities(endpoints.data);
    store.needsLogin = false;
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) store.needsLogin = true;
    else store.loadError = e instanceof Error ? e.message : String(e);
  }
}

export function readOnly(): boolean {
  return store.info?.configuration?.database === 'off';
}

export function entityByCollection(collection: string): EntityEndpoint | undefined {
  return store.entities.find((e) => e.collection === collection);
}

export function entityBySchema(schema: string): EntityEndpoint | undefined {
  return store.entities.find((e) => e.schema === schema);
}

export function nestedOf(entity: EntityEndpoint): NestedCollection[] {
  return nestedCollections(store.endpoints, entity);
}

/** /schemas/{name}, or /schemas/plugins/{plugin} for a plugin's own schema; cached. */
export async function schemaOf(name: string, plugin?: string): Promise<EntitySchema> {
  const key = plugin ? `plugins/${plugin}` : name;
  if (!store.schemas[key]) store.schemas[key] = await api().get<EntitySchema>(`/schemas/${key}`);
  return store.schemas[key];
}

/** The endpoint key of every referenced entity a form may name by text ({services: "name"}). */
export async function foreignKeyNames(references: string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const ref of references) {
    const key = endpointKey(await schemaOf(ref));
    if (key) out[ref] = key;
  }
  return out;
}

export function errorText(e: unknown): string {
  if (e instanceof ApiError) return e.body.message ?? e.message;
  return e instanceof Error ? e.message : String(e);
}
