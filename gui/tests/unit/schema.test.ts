// The schema-to-form mapping against the real /schemas output of a running kongdb (written by
// tests/support/schemas_setup.ts): every core entity with an endpoint and every bundled plugin.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  changes,
  discoverEntities,
  displayText,
  endpointKey,
  fieldErrors,
  formFields,
  initialModel,
  mergeSubschema,
  nestedCollections,
  toPayload,
  FormInputError,
  type EntitySchema,
  type FormField,
  type Json,
} from '../../src/schema';
import { fixturePath } from '../support/schemas_setup';

const fixture = JSON.parse(readFileSync(fixturePath, 'utf8')) as {
  endpoints: string[];
  entities: Record<string, EntitySchema>;
  plugins: Record<string, EntitySchema>;
};
const entityNames = Object.keys(fixture.entities);
const pluginNames = Object.keys(fixture.plugins);

function field(fields: FormField[], path: string): FormField {
  const parts = path.split('.');
  let list = fields;
  let found: FormField | undefined;
  for (const p of parts) {
    found = list.find((f) => f.name === p);
    if (!found) throw new Error(`no input for ${path}`);
    list = found.children;
  }
  return found as FormField;
}

function pluginForm(name: string): FormField[] {
  return formFields(mergeSubschema(fixture.entities.plugins, fixture.plugins[name]));
}

/** What Kong stores for a field left at its default (scalars and scalar lists only). */
function checkDefaultsRoundTrip(fields: FormField[], payload: Record<string, Json>): void {
  for (const f of fields) {
    const d = f.defaultValue;
    if (f.widget === 'record') {
      checkDefaultsRoundTrip(f.children, (payload[f.name] ?? {}) as Record<string, Json>);
    } else if (d === undefined || d === null || f.widget === 'json' || f.widget === 'map') {
      continue;
    } else if (f.widget === 'boolean') {
      expect(payload[f.name] ?? d, f.path).toBe(d); // left out: Kong applies the default
    } else if (Array.isArray(d) && d.length === 0) {
      expect(payload[f.name], f.path).toBeUndefined();
    } else {
      expect(payload[f.name], f.path).toEqual(d);
    }
  }
}

describe('the Admin API shape', () => {
  it('finds every core entity with an endpoint in GET /endpoints', () => {
    const collections = discoverEntities(fixture.endpoints).map((e) => e.collection);
    for (const c of ['services', 'routes', 'consumers', 'plugins', 'upstreams', 'certificates', 'snis', 'ca_certificates', 'key-auths']) {
      expect(collections).toContain(c);
    }
    expect(collections).not.toContain('schemas');
    expect(collections).not.toContain('tags');
  });

  it('names the schema behind a collection whose URL differs from it', () => {
    expect(discoverEntities(fixture.endpoints)).toContainEqual({ collection: 'key-auths', schema: 'keyauth_credentials' });
  });

  it('finds the nested collections of a service, a consumer, an upstream and a certificate', () => {
    const nested = (collection: string, schema: string): string[] => nestedCollections(fixture.endpoints, { collection, schema }).map((n) => n.schema);
    expect(nested('services', 'services')).toEqual(expect.arrayContaining(['routes', 'plugins']));
    expect(nested('consumers', 'consumers')).toEqual(expect.arrayContaining(['plugins', 'keyauth_credentials']));
    expect(nested('upstreams', 'upstreams')).toContain('targets');
    expect(nested('certificates', 'certificates')).toContain('snis');
  });
});

describe.each(entityNames)('entity %s', (name) => {
  const schema = fixture.entities[name];
  const fields = formFields(schema);

  it('gets an input for every field but the automatic ones', () => {
    for (const f of fields) expect(f.widget, f.path).toBeTruthy();
    expect(fields.map((f) => f.name)).not.toContain('id');
    expect(fields.map((f) => f.name)).not.toContain('created_at');
  });

  it('offers a select for every one_of and a known entity for every foreign key', () => {
    const walk = (fs: FormField[]): void => {
      for (const f of fs) {
        if (f.widget === 'select' || f.widget === 'multiselect') expect(f.options.length, f.path).toBeGreaterThan(0);
        if (f.widget === 'foreign') expect(entityNames, f.path).toContain(f.reference);
        walk(f.children);
      }
    };
    walk(fields);
  });

  it('sends the schema defaults back unchanged from an untouched create form', () => {
    const payload = toPayload(fields, initialModel(fields, null), 'create');
    checkDefaultsRoundTrip(fields, payload);
  });
});

describe.each(pluginNames)('plugin %s', (name) => {
  const fields = pluginForm(name);

  it("generates its config inputs from the plugin's own schema", () => {
    const config = field(fields, 'config');
    expect(config.widget).toBe('record');
    const own = fixture.plugins[name].fields.find((f) => 'config' in f)?.config;
    expect(config.children.map((c) => c.name)).toEqual((own?.fields ?? []).flatMap((f) => Object.keys(f)));
  });

  it('sends the config defaults back unchanged from an untouched create form', () => {
    const payload = toPayload(fields, initialModel(fields, null), 'create');
    checkDefaultsRoundTrip(fields, payload);
  });
});

describe('services', () => {
  const fields = formFields(fixture.entities.services);

  it('maps types to inputs', () => {
    expect(field(fields, 'name').widget).toBe('text');
    expect(field(fields, 'port').widget).toBe('integer');
    expect(field(fields, 'protocol').widget).toBe('select');
    expect(field(fields, 'protocol').options).toEqual(expect.arrayContaining(['http', 'https', 'grpc']));
    expect(field(fields, 'tags').widget).toBe('list');
    expect(field(fields, 'enabled').widget).toBe('boolean');
    expect(field(fields, 'client_certificate')).toMatchObject({ widget: 'foreign', reference: 'certificates' });
  });

  it('turns text into Kong types and leaves empty inputs to the defaults', () => {
    const model = initialModel(fields, null);
    Object.assign(model, { name: 'svc', host: 'example.com', port: '8080', tags: 'a\n b \n\n' });
    const body = toPayload(fields, model, 'create');
    expect(body).toMatchObject({ name: 'svc', host: 'example.com', port: 8080, tags: ['a', 'b'] });
    expect(body).not.toHaveProperty('path');
  });

  it('clears emptied inputs with null on edit', () => {
    const entity = { name: 'svc', host: 'h', port: 80, path: '/p', tags: ['x'] } as Record<string, Json>;
    const model = initialModel(fields, entity);
    expect(model.path).toBe('/p');
    Object.assign(model, { path: '', tags: '' });
    const body = toPayload(fields, model, 'edit');
    expect(body.path).toBeNull();
    expect(body.tags).toBeNull();
  });

  it('sends only what an edit changed, so a null boolean left alone stays null', () => {
    const entity = { name: 'svc', host: 'h', port: 80, tls_verify: null, retries: 5 } as Record<string, Json>;
    const before = toPayload(fields, initialModel(fields, entity), 'edit');
    const model = initialModel(fields, entity);
    model.retries = '3';
    expect(changes(before, toPayload(fields, model, 'edit'))).toEqual({ retries: 3 });
  });

  it('refuses text that is not an integer, naming the field', () => {
    const model = initialModel(fields, null);
    model.port = 'eighty';
    expect(() => toPayload(fields, model, 'create')).toThrow(FormInputError);
  });

  it('names the certificate by id when given a UUID, else by the endpoint key', () => {
    const model = initialModel(fields, null);
    model.client_certificate = '0b8a2fd6-1d6e-4a51-a2a4-7b7a2f6f0f11';
    expect(toPayload(fields, model, 'create').client_certificate).toEqual({ id: '0b8a2fd6-1d6e-4a51-a2a4-7b7a2f6f0f11' });
  });
});

describe('routes, consumers and credentials', () => {
  it('gives routes a protocols multiselect, regex-able paths and a service picker', () => {
    const fields = formFields(fixture.entities.routes);
    expect(field(fields, 'protocols').widget).toBe('multiselect');
    expect(field(fields, 'paths').widget).toBe('list');
    expect(field(fields, 'service')).toMatchObject({ widget: 'foreign', reference: 'services' });
    const model = initialModel(fields, null);
    Object.assign(model, { paths: '~/api/v\\d+$', service: 'svc' });
    const body = toPayload(fields, model, 'create', { services: 'name' });
    expect(body.paths).toEqual(['~/api/v\\d+$']);
    expect(body.service).toEqual({ name: 'svc' });
  });

  it('names consumers by username and key-auth credentials by key', () => {
    expect(endpointKey(fixture.entities.consumers)).toBe('username');
    expect(endpointKey(fixture.entities.keyauth_credentials)).toBe('key');
    expect(field(formFields(fixture.entities.keyauth_credentials), 'consumer').reference).toBe('consumers');
  });

  it("hides key-auth's consumer, which the plugin fixes to null", () => {
    expect(pluginForm('key-auth').map((f) => f.name)).not.toContain('consumer');
    expect(field(pluginForm('key-auth'), 'config.key_names').widget).toBe('list');
  });
});

describe('plugin edits', () => {
  it('send the changed config fields only, which Kong merges into the stored config', () => {
    const fields = pluginForm('key-auth');
    const stored = { name: 'key-auth', enabled: true, protocols: ['http', 'https'], config: { key_names: ['apikey'], hide_credentials: false, realm: null } } as Record<string, Json>;
    const before = toPayload(fields, initialModel(fields, stored), 'edit');
    const model = initialModel(fields, stored);
    (model.config as Record<string, unknown>).hide_credentials = true;
    expect(changes(before, toPayload(fields, model, 'edit'))).toEqual({ config: { hide_credentials: true } });
  });
});

describe("Kong's error object", () => {
  it('is mapped onto nested field paths', () => {
    const errors = fieldErrors({
      code: 2,
      message: '2 schema violations',
      fields: { port: 'value should be between 0 and 65535', config: { key_names: ['bad name'] }, '@entity': ['at least one of these fields must be non-empty'] },
    });
    expect(errors).toEqual({
      port: 'value should be between 0 and 65535',
      'config.key_names': 'bad name',
      '@entity': 'at least one of these fields must be non-empty',
    });
  });

  it('joins element errors of an array under the array', () => {
    expect(fieldErrors({ fields: { paths: { '2': 'should start with: / (fixed path) or ~/ (regex path)' } } })).toEqual({
      paths: 'should start with: / (fixed path) or ~/ (regex path)',
    });
  });
});

describe('table cells', () => {
  it('show lists comma-separated, records as JSON and null as nothing', () => {
    expect(displayText(['http', 'https'])).toBe('http, https');
    expect(displayText({ id: 'x' })).toBe('{"id":"x"}');
    expect(displayText(null)).toBe('');
    expect(displayText(8080)).toBe('8080');
    const createdAt = fixture.entities.services.fields.find((f) => 'created_at' in f)?.created_at;
    expect(displayText(1796679104, createdAt)).toBe('2026-12-07 21:31:44 UTC');
  });
});
