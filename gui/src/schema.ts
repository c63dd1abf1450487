// Schema-to-form mapping: turns Kong's GET /schemas/{entity} and /schemas/plugins/{name} output
// into form descriptions, form models into request bodies, and Kong's error objects into
// per-field messages. Pure functions: unit-tested against a running kongdb's real schemas.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** One field as /schemas describes it (only the attributes the GUI uses). */
export interface SchemaField {
  type?: string;
  required?: boolean;
  auto?: boolean;
  unique?: boolean;
  immutable?: boolean;
  default?: Json;
  one_of?: Json[];
  elements?: SchemaField;
  keys?: SchemaField;
  values?: SchemaField;
  fields?: Array<Record<string, SchemaField>>;
  reference?: string;
  description?: string;
  uuid?: boolean;
  timestamp?: boolean;
  between?: [number, number];
  len_min?: number;
  eq?: Json;
}

export interface EntitySchema {
  fields: Array<Record<string, SchemaField>>;
  entity_checks?: Json[];
}

export type Widget =
  | 'text'
  | 'integer'
  | 'number'
  | 'boolean'
  | 'select'
  | 'list'
  | 'multiselect'
  | 'record'
  | 'map'
  | 'foreign'
  | 'json';

/** One input of a generated form. `path` is the dotted path in the entity ("config.key_names"). */
export interface FormField {
  name: string;
  path: string;
  widget: Widget;
  required: boolean;
  immutable: boolean;
  defaultValue: Json | undefined;
  options: string[];
  /** For lists: the element widget ('text', 'integer', 'number'). */
  elementWidget?: Widget;
  /** For records. */
  children: FormField[];
  /** For foreign keys: the referenced entity's schema name. */
  reference?: string;
  description?: string;
}

/** The ordered [name, field] pairs of a schema or record. */
export function fieldEntries(fields: Array<Record<string, SchemaField>> | undefined): Array<[string, SchemaField]> {
  const out: Array<[string, SchemaField]> = [];
  for (const entry of fields ?? []) {
    for (const [name, field] of Object.entries(entry)) out.push([name, field]);
  }
  return out;
}

function scalarWidget(field: SchemaField): Widget {
  switch (field.type) {
    case 'integer':
      return 'integer';
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'string':
      return field.one_of && field.one_of.length > 0 ? 'select' : 'text';
    default:
      return 'json';
  }
}

function widgetFor(field: SchemaField): Widget {
  switch (field.type) {
    case 'array':
    case 'set': {
      const element = field.elements ?? {};
      if (element.one_of && element.one_of.length > 0) return 'multiselect';
      const w = scalarWidget(element);
      return w === 'text' || w === 'integer' || w === 'number' ? 'list' : 'json';
    }
    case 'record':
      return 'record';
    case 'map':
      return 'map';
    case 'foreign':
      return 'foreign';
    default:
      return scalarWidget(field);
  }
}

function toFormField(name: string, field: SchemaField, prefix: string): FormField {
  const path = prefix ? `${prefix}.${name}` : name;
  const widget = widgetFor(field);
  const options = (widget === 'multiselect' ? field.elements?.one_of : field.one_of) ?? [];
  return {
    name,
    path,
    widget,
    required: field.required === true && field.default === undefined && field.auto !== true,
    immutable: field.immutable === true,
    defaultValue: field.default,
    options: options.map(String),
    elementWidget: widget === 'list' ? scalarWidget(field.elements ?? {}) : undefined,
    children: widget === 'record' ? formFieldsOf(field.fields, path) : [],
    reference: field.reference,
    description: field.description,
  };
}

/** Ids and timestamps the database fills; other `auto` fields (a credential's key) are optional. */
function generated(field: SchemaField): boolean {
  return field.auto === true && (field.uuid === true || field.timestamp === true);
}

function formFieldsOf(fields: Array<Record<string, SchemaField>> | undefined, prefix: string): FormField[] {
  return fieldEntries(fields)
    .filter(([, f]) => !generated(f) && f.type !== undefined && f.eq === undefined)
    .map(([n, f]) => toFormField(n, f, prefix));
}

/**
 * The inputs of an entity's create/edit form: every field but the generated ones (id,
 * created_at, updated_at) and those a plugin fixes with `eq`. For a plugin, pass /schemas/plugins/{name}:
 * its `config` record becomes nested inputs.
 */
export function formFields(schema: EntitySchema): FormField[] {
  return formFieldsOf(schema.fields, '');
}

/** The field that names an entity in URLs and lists (Kong's endpoint_key), if any. */
export function endpointKey(schema: EntitySchema): string | undefined {
  for (const [name, f] of fieldEntries(schema.fields)) {
    if (name !== 'id' && f.unique === true && f.type === 'string') return name;
  }
  return undefined;
}

/** A short human label for an entity: its endpoint key, else name-like fields, else its id. */
export function entityLabel(schema: EntitySchema | undefined, entity: Record<string, Json>): string {
  const key = schema ? endpointKey(schema) : undefined;
  for (const candidate of [key, 'name', 'username', 'instance_name', 'target', 'key']) {
    if (!candidate) continue;
    const v = entity[candidate];
    if (typeof v === 'string' && v !== '') return v;
  }
  return String(entity.id ?? '');
}

// --- form models ---------------------------------------------------------------------------

/** The editable state of one input: text for scalars and lists, nested models for records. */
export type ModelValue = string | boolean | string[] | FormModel;
export interface FormModel {
  [name: string]: ModelValue;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function scalarText(v: Json | undefined): string {
  if (v === undefined || v === null) return '';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function modelValueOf(field: FormField, v: Json | undefined): ModelValue {
  switch (field.widget) {
    case 'boolean':
      return v === true;
    case 'multiselect':
      return Array.isArray(v) ? v.map(String) : [];
    case 'list':
      return Array.isArray(v) ? v.map((e) => scalarText(e)).join('\n') : '';
    case 'record':
      return initialModel(field.children, v && typeof v === 'object' && !Array.isArray(v) ? v : null);
    case 'foreign':
      return v && typeof v === 'object' && !Array.isArray(v) ? scalarText(v.id) : '';
    case 'map':
    case 'json':
      return v === undefined || v === null ? '' : JSON.stringify(v, null, 2);
    default:
      return scalarText(v);
  }
}

/**
 * The model of a form: from an existing entity (edit) or from the schema defaults (create).
 */
export function initialModel(fields: FormField[], entity: Record<string, Json> | null): FormModel {
  const model: FormModel = {};
  for (const f of fields) {
    const v = entity ? entity[f.name] : f.defaultValue;
    model[f.name] = modelValueOf(f, entity === null && f.widget === 'record' ? null : v);
  }
  return model;
}

export class FormInputError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

function parseScalar(text: string, widget: Widget | undefined, path: string): Json {
  if (widget === 'integer') {
    if (!/^-?\d+$/.test(text.trim())) throw new FormInputError(path, 'expected an integer');
    return Number(text.trim());
  }
  if (widget === 'number') {
    const n = Number(text.trim());
    if (text.trim() === '' || Number.isNaN(n)) throw new FormInputError(path, 'expected a number');
    return n;
  }
  return text;
}

function parseJson(text: string, path: string): Json {
  try {
    return JSON.parse(text) as Json;
  } catch {
    throw new FormInputError(path, 'expected JSON');
  }
}

/**
 * A request body from a form model. Empty inputs are left out on create (so Kong's defaults
 * apply) and sent as null on edit (to clear them). A foreign key given as a UUID is sent as
 * {id}; any other text as the referenced entity's endpoint key (`foreignKeys` names it).
 * Throws FormInputError for text that is not a number or JSON where one is expected.
 */
export function toPayload(
  fields: FormField[],
  model: FormModel,
  mode: 'create' | 'edit',
  foreignKeys: Record<string, string> = {},
): Record<string, Json> {
  const body: Record<string, Json> = {};
  for (const f of fields) {
    const v = model[f.name];
    const empty = (): void => {
      if (mode === 'edit') body[f.name] = null;
    };
    switch (f.widget) {
      case 'boolean':
        // On create an untouched box keeps Kong's default (which may be null, not false).
        if (mode === 'edit' || v !== (f.defaultValue === true)) body[f.name] = v === true;
        break;
      case 'multiselect':
        if (Array.isArray(v) && v.length > 0) body[f.name] = v;
        else if (mode === 'edit') body[f.name] = [];
        break;
      case 'list': {
        const items = String(v ?? '')
          .split('\n')
          .map((s) => s.trim())
          .filter((s) => s !== '');
        if (items.length > 0) body[f.name] = items.map((s) => parseScalar(s, f.elementWidget, f.path));
        else empty();
        break;
      }
      case 'record': {
        const nested = toPayload(f.children, (v ?? {}) as FormModel, mode, foreignKeys);
        if (Object.keys(nested).length > 0) body[f.name] = nested;
        break;
      }
      case 'foreign': {
        const text = String(v ?? '').trim();
        if (text === '') {
          empty();
        } else if (UUID.test(text)) {
          body[f.name] = { id: text };
        } else {
          body[f.name] = { [foreignKeys[f.reference ?? ''] ?? 'name']: text };
        }
        break;
      }
      case 'map':
      case 'json': {
        const text = String(v ?? '').trim();
        if (text === '') empty();
        else body[f.name] = parseJson(text, f.path);
        break;
      }
      default: {
        const text = String(v ?? '');
        // An empty string is a value where the schema's own default is one (acme's namespace).
        if (text === '' && f.defaultValue === '') body[f.name] = '';
        else if (text.trim() === '') empty();
        else body[f.name] = parseScalar(text, f.widget, f.path);
      }
    }
  }
  return body;
}

// --- Kong's error objects ------------------------------------------------------------------

export interface KongError {
  code?: number;
  name?: string;
  message?: string;
  fields?: Json;
}

/**
 * Kong's error `fields` flattened to dotted paths: {"config":{"key_names":"..."}} ->
 * {"config.key_names": "..."}; element errors of arrays are joined under the array's path;
 * entity-level messages ("@entity") are kept under "@entity".
 */
export function fieldErrors(error: KongError | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  const add = (path: string, message: string): void => {
    out[path] = out[path] ? `${out[path]}; ${message}` : message;
  };
  const walk = (value: Json, path: string): void => {
    if (typeof value === 'string') {
      add(path, value);
    } else if (Array.isArray(value)) {
      for (const item of value) if (item !== null) walk(item, path);
    } else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        if (k === '@entity') walk(v, path ? `${path}.@entity` : '@entity');
        else if (/^\d+$/.test(k)) walk(v, path);
        else walk(v, path ? `${path}.${k}` : k);
      }
    }
  };
  if (error?.fields) walk(error.fields, '');
  return out;
}

/** The messages of paths no input shows (so none is lost): everything not in `paths`. */
export function unplacedErrors(errors: Record<string, string>, paths: Set<string>): string[] {
  return Object.entries(errors)
    .filter(([p]) => !paths.has(p))
    .map(([p, m]) => (p === '@entity' ? m : `${p}: ${m}`));
}

/** Every input path of a form, records included. */
export function allPaths(fields: FormField[]): Set<string> {
  const out = new Set<string>();
  const walk = (fs: FormField[]): void => {
    for (const f of fs) {
      out.add(f.path);
      walk(f.children);
    }
  };
  walk(fields);
  return out;
}

// --- the Admin API's shape -----------------------------------------------------------------

export interface EntityEndpoint {
  /** URL collection name: "services", "key-auths". */
  collection: string;
  /** Schema (DAO) name: "services", "keyauth_credentials". */
  schema: string;
}

export interface NestedCollection {
  /** The path segment under the parent: "/services/{id}/<segment>". */
  segment: string;
  schema: string;
}

/** Not entity collections, though GET /endpoints lists them like one. */
const NOT_ENTITIES = new Set(['schemas', 'tags', 'endpoints', 'status', 'config', 'openapi.json']);

/**
 * Entities with an endpoint, from GET /endpoints: "/services/{services}" -> {services, services},
 * "/key-auths/{keyauth_credentials}" -> {key-auths, keyauth_credentials}.
 */
export function discoverEntities(endpoints: string[]): EntityEndpoint[] {
  const out: EntityEndpoint[] = [];
  for (const p of endpoints) {
    const m = /^\/([^/{}]+)\/\{([^/{}]+)\}$/.exec(p);
    if (m && !NOT_ENTITIES.has(m[1]) && endpoints.includes(`/${m[1]}`)) {
      out.push({ collection: m[1], schema: m[2] });
    }
  }
  return out;
}

/** The nested collections of an entity: "/services/{services}/routes/{routes}" -> routes. */
export function nestedCollections(endpoints: string[], parent: EntityEndpoint): NestedCollection[] {
  const prefix = `/${parent.collection}/{${parent.schema}}/`;
  const out: NestedCollection[] = [];
  for (const p of endpoints) {
    if (!p.startsWith(prefix)) continue;
    const m = /^([^/{}]+)\/\{([^/{}]+)\}$/.exec(p.slice(prefix.length));
    if (m && endpoints.includes(prefix + m[1])) out.push({ segment: m[1], schema: m[2] });
  }
  return out;
}

/**
 * A plugin's form schema: the plugins entity's fields, each replaced by the plugin's own
 * definition where /schemas/plugins/{name} redefines it (its config record, a consumer fixed to
 * null with `eq`, narrower protocols), in the entity's order.
 */
export function mergeSubschema(base: EntitySchema, sub: EntitySchema): EntitySchema {
  const own = new Map(fieldEntries(sub.fields));
  const fields = fieldEntries(base.fields).map(([name, f]) => ({ [name]: own.get(name) ?? f }));
  for (const [name, f] of own) if (!fieldEntries(base.fields).some(([n]) => n === name)) fields.push({ [name]: f });
  return { fields, entity_checks: [...(base.entity_checks ?? []), ...(sub.entity_checks ?? [])] };
}

/**
 * Any value as one line of text (lists comma-separated, objects as JSON, a timestamp field's
 * seconds as a UTC date); null is empty.
 */
export function displayText(value: Json | undefined, field?: SchemaField): string {
  if (value === undefined || value === null) return '';
  if (field?.timestamp && typeof value === 'number') {
    return `${new Date(value * 1000).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
  }
  if (Array.isArray(value) && value.every((x) => x === null || typeof x !== 'object')) return value.join(', ');
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function isRecord(v: Json | undefined): v is { [key: string]: Json } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * What an edit changed: the fields of `after` that differ from `before`, records compared field
 * by field (Kong's PATCH merges records such as a plugin's config). Untouched fields are left
 * out, so an edit never rewrites what it did not show faithfully (a null boolean stays null).
 */
export function changes(before: Record<string, Json>, after: Record<string, Json>): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const [key, value] of Object.entries(after)) {
    const old = before[key];
    if (isRecord(value) && isRecord(old)) {
      const nested = changes(old, value);
      if (Object.keys(nested).length > 0) out[key] = nested;
    } else if (JSON.stringify(value) !== JSON.stringify(old)) {
      out[key] = value;
    }
  }
  return out;
}
