// After the subgraphs have answered, Apollo Gateway shapes the merged data into the
// response (@apollo/gateway's resultShaping.computeResponse): it walks the operation's
// selections for every value, asking federation-internals for each field's type,
// directives and response name, through the package index's re-export getters, and
// builds every object with Object.create(null) (dictionary-mode objects, slow to make
// and slow for Apollo Server's JSON.stringify). On a BI page of 50 orders that walk and
// its garbage were about a fifth of the gateway's CPU (issue 13, gateway profile).
//
// This module answers the same call from a plan made once per operation: per selection,
// its response name, its @skip/@include, the field's type unwrapped into non-null, list
// and named parts, a check of leaf values equal to federation-internals'
// isValidLeafValue, and the fragments' type conditions. Objects are plain literals
// built in the same key order, so the JSON is byte for byte the same.
//
// The plan only covers the clean case. Whatever would make Apollo's function report an
// error or take an unusual path — a null where the type forbids it, a __typename that is
// not a type, an invalid leaf value, a non-boolean @skip variable, an unexpected shape —
// stops the fast walk and Apollo's own computeResponse answers the request from the
// start, with its own errors and messages. Operations with introspection fields or with
// a response name that is also a property of Object.prototype (`constructor`,
// `__proto__`, …; plain objects would see the inherited one) always go to Apollo's.
import { createRequire } from 'node:module';

// The few federation-internals shapes this file reads (@apollo/federation-internals 2.14).
interface NamedType { readonly kind: string; readonly name: string }
interface WrapperType { readonly kind: 'NonNullType' | 'ListType'; readonly ofType: FedType }
type FedType = NamedType | WrapperType;
interface Schema {
  type(name: string): NamedType | undefined;
  skipDirective(): unknown;
  includeDirective(): unknown;
  schemaDefinition: { rootType(kind: string): NamedType | undefined };
}
interface Directive { arguments(): { if?: unknown } }
interface Element { appliedDirectivesOf(definition: unknown): Directive[] }
interface FieldElement extends Element { name: string; responseName(): string; definition: { type: FedType; isSchemaIntrospectionField(): boolean } }
interface FragmentElement extends Element { typeCondition?: NamedType }
interface Selection { kind: string; element: FieldElement | FragmentElement; selectionSet?: SelectionSet }
interface SelectionSet { selections(): readonly Selection[] }
interface Operation { schema(): Schema; selectionSet: SelectionSet; rootKind: string; collectDefaultedVariableValues(): Record<string, unknown> }
interface ComputeArgs { operation: Operation; variables?: Record<string, unknown>; input: Record<string, unknown> | null | undefined; introspectionHandling: (field: unknown) => unknown }
type ComputeResponse = (args: ComputeArgs) => { data: unknown; errors: unknown[] };

interface FederationInternals {
  Variable: new (...args: never[]) => { name: string };
  isSubtype(type: NamedType, maybeSubType: NamedType): boolean;
  isCustomScalarType(type: NamedType): boolean;
  isEnumType(type: NamedType): boolean;
  isCompositeType(type: NamedType): boolean;
  isObjectType(type: NamedType): boolean;
  isValidLeafValue(schema: Schema, value: unknown, type: NamedType): boolean;
}

/** federation-internals and the gateway's result shaping, as @apollo/gateway resolves them (its versions). */
function apolloModules(): { fi: FederationInternals; shaping: { computeResponse: ComputeResponse } } {
  const gatewayRequire = createRequire(createRequire(import.meta.url).resolve('@apollo/gateway'));
  return {
    fi: gatewayRequire('@apollo/federation-internals') as FederationInternals,
    shaping: gatewayRequire('@apollo/gateway/dist/resultShaping') as { computeResponse: ComputeResponse },
  };
}

// ---------------------------------------------------------------- the plan

/** true: skipped when the value is true (@skip); false: skipped when it is false (@include). */
interface Condition { skipWhen: boolean; variable: string }

/** A field's type as the walk needs it: wrappers outside in, then the named type. */
interface TypePlan {
  nonNull: boolean;
  /** Set for a list: its element's type. */
  list?: TypePlan;
  /** Set for an object, interface or union. */
  composite?: NamedType;
  /** Set for a scalar or enum: whether a value from the subgraph is valid for it. */
  leaf?: (value: unknown) => boolean;
}

type Entry =
  | { kind: 'field'; conditions: Condition[]; responseName: string; type: TypePlan; selections?: Entry[] }
  | { kind: 'typename'; conditions: Condition[]; responseName: string }
  | { kind: 'fragment'; conditions: Condition[]; typeCondition?: NamedType; selections: Entry[]; applies: Map<string, boolean> };

interface Plan { schema: Schema; root: NamedType; selections: Entry[]; usesVariables: boolean }

/** Marks an operation whose plan could not be made (Apollo's function shapes it). */
const UNPLANNED = Symbol('unplanned');

class Unplannable extends Error {}

/**
 * The check isValidLeafValue makes for one leaf type, decided once per type
 * (federation-internals 2.14 values.ts). test/gateway-result-shaping holds the two
 * equal for every leaf type of the supergraph over a range of values.
 */
export function leafCheck(fi: FederationInternals, schema: Schema, type: NamedType): (value: unknown) => boolean {
  if (fi.isCustomScalarType(type)) return () => true;
  const isBoolean = type === schema.type('Boolean');
  const isInt = type === schema.type('Int');
  const isId = type === schema.type('ID');
  const isFloat = type === schema.type('Float');
  const enumValues = fi.isEnumType(type) ? new Set((type as unknown as { values: Array<{ name: string }> }).values.map((v) => v.name)) : undefined;
  const integer = /^-?(?:0|[1-9][0-9]*)$/;
  return (value) => {
    if (typeof value === 'boolean') return isBoolean;
    if (typeof value === 'number' && Number.isFinite(value)) return isInt || isId ? integer.test(String(value)) : isFloat;
    if (typeof value === 'string') return enumValues ? enumValues.has(value) : !isBoolean && !isInt && !isFloat;
    return false;
  };
}

function planType(fi: FederationInternals, schema: Schema, type: FedType, leafChecks: Map<NamedType, (v: unknown) => boolean>): TypePlan {
  if (type.kind === 'NonNullType') return { ...planType(fi, schema, (type as WrapperType).ofType, leafChecks), nonNull: true };
  if (type.kind === 'ListType') return { nonNull: false, list: planType(fi, schema, (type as WrapperType).ofType, leafChecks) };
  const named = type as NamedType;
  if (fi.isCompositeType(named)) return { nonNull: false, composite: named };
  let leaf = leafChecks.get(named);
  if (!leaf) leafChecks.set(named, (leaf = leafCheck(fi, schema, named)));
  return { nonNull: false, leaf };
}

function conditionsOf(fi: FederationInternals, schema: Schema, element: Element, plan: { usesVariables: boolean }): Condition[] | null {
  const conditions: Condition[] = [];
  for (const [definition, skipWhen] of [[schema.skipDirective(), true], [schema.includeDirective(), false]] as const) {
    const directive = element.appliedDirectivesOf(definition)[0];
    if (!directive) continue;
    const value = directive.arguments().if;
    if (value instanceof fi.Variable) {
      conditions.push({ skipWhen, variable: value.name });
      plan.usesVariables = true;
    } else if (typeof value !== 'boolean') {
      throw new Unplannable('a non-boolean literal in @skip/@include');
    } else if (value === skipWhen) {
      return null; // always skipped
    }
  }
  return conditions;
}

function planSelections(fi: FederationInternals, schema: Schema, set: SelectionSet, plan: { usesVariables: boolean }, leafChecks: Map<NamedType, (v: unknown) => boolean>): Entry[] {
  const entries: Entry[] = [];
  for (const selection of set.selections()) {
    const conditions = conditionsOf(fi, schema, selection.element, plan);
    if (!conditions) continue;
    if (selection.kind === 'FieldSelection') {
      const field = selection.element as FieldElement;
      const responseName = field.responseName();
      if (responseName in Object.prototype) throw new Unplannable(`response name ${responseName}`);
      if (field.definition.isSchemaIntrospectionField()) throw new Unplannable('introspection');
      if (field.name === '__typename') {
        entries.push({ kind: 'typename', conditions, responseName });
        continue;
      }
      const type = planType(fi, schema, field.definition.type, leafChecks);
      entries.push({ kind: 'field', conditions, responseName, type, ...(selection.selectionSet ? { selections: planSelections(fi, schema, selection.selectionSet, plan, leafChecks) } : {}) });
    } else {
      if (!selection.selectionSet) throw new Unplannable('a fragment without selections');
      const fragment = selection.element as FragmentElement;
      entries.push({ kind: 'fragment', conditions, typeCondition: fragment.typeCondition, selections: planSelections(fi, schema, selection.selectionSet, plan, leafChecks), applies: new Map() });
    }
  }
  return entries;
}

function makePlan(fi: FederationInternals, operation: Operation): Plan | typeof UNPLANNED {
  try {
    const schema = operation.schema();
    const root = schema.schemaDefinition.rootType(operation.rootKind);
    if (!root) return UNPLANNED;
    const plan = { usesVariables: false };
    const selections = planSelections(fi, schema, operation.selectionSet, plan, new Map());
    return { schema, root, selections, usesVariables: plan.usesVariables };
  } catch (e) {
    if (e instanceof Unplannable) return UNPLANNED;
    throw e;
  }
}

// ---------------------------------------------------------------- the walk

/** Thrown where Apollo's function would report an error or take an unusual path: it answers instead. */
const TO_APOLLO = Symbol('to Apollo');

type Data = Record<string, unknown>;

class Walk {
  constructor(private readonly fi: FederationInternals, private readonly schema: Schema, private readonly variables: Data | undefined) {}

  skipped(conditions: Condition[]): boolean {
    for (const c of conditions) {
      const value = this.variables![c.variable];
      if (typeof value !== 'boolean') throw TO_APOLLO;
      if (value === c.skipWhen) return true;
    }
    return false;
  }

  selections(input: Data, entries: Entry[], output: Data, parentType: NamedType): void {
    for (const entry of entries) {
      if (entry.conditions.length && this.skipped(entry.conditions)) continue;
      if (entry.kind === 'field') {
        const name = entry.responseName;
        const inputValue = input[name];
        output[name] = this.value(output[name], entry.type, inputValue === undefined ? null : inputValue, entry.selections);
      } else if (entry.kind === 'typename') {
        const name = entry.responseName;
        if (output[name] !== undefined) continue;
        let value = input[name];
        if (value === undefined) value = null;
        if (value === null && name !== '__typename') value = input.__typename ?? null;
        const type = typeof value === 'string' ? (this.schema.type(value) ?? parentType) : parentType;
        if (!this.fi.isObjectType(type)) throw TO_APOLLO;
        output[name] = type.name;
      } else {
        const typename = input.__typename;
        if (typename && typeof typename !== 'string') throw TO_APOLLO;
        if (this.applies(entry, typename as string | undefined, parentType)) this.selections(input, entry.selections, output, entry.typeCondition ?? parentType);
      }
    }
  }

  /** resultShaping's typeConditionApplies, remembered per runtime type (it depends on the schema only). */
  private applies(entry: Extract<Entry, { kind: 'fragment' }>, typename: string | undefined, parentType: NamedType): boolean {
    const condition = entry.typeCondition;
    if (!condition) return true;
    const runtime = typename ? this.schema.type(typename) : parentType;
    if (!runtime) return false;
    let answer = entry.applies.get(runtime.name);
    if (answer === undefined) entry.applies.set(runtime.name, (answer = this.fi.isSubtype(condition, runtime)));
    return answer;
  }

  value(outputValue: unknown, type: TypePlan, inputValue: unknown, selections: Entry[] | undefined): unknown {
    if (outputValue === null || (outputValue !== undefined && !selections)) return outputValue;
    if (inputValue === null) {
      if (type.nonNull) throw TO_APOLLO;
      return null;
    }
    if (type.list) {
      if (!Array.isArray(inputValue)) throw TO_APOLLO;
      if (outputValue !== undefined && (!Array.isArray(outputValue) || outputValue.length !== inputValue.length)) throw TO_APOLLO;
      const out = new Array(inputValue.length);
      for (let i = 0; i < inputValue.length; i++) {
        const element = inputValue[i];
        if (element === undefined) throw TO_APOLLO;
        out[i] = this.value(outputValue === undefined ? undefined : (outputValue as unknown[])[i], type.list, element, selections);
      }
      return out;
    }
    if (type.composite) {
      if (!selections || typeof inputValue !== 'object' || Array.isArray(inputValue)) throw TO_APOLLO;
      if (outputValue !== undefined && (typeof outputValue !== 'object' || Array.isArray(outputValue))) throw TO_APOLLO;
      const typename = (inputValue as Data).__typename;
      let objectType = type.composite;
      if (typename !== undefined) {
        if (typeof typename !== 'string') throw TO_APOLLO;
        if (typename) {
          const named = this.schema.type(typename);
          if (!named || !this.fi.isCompositeType(named)) throw TO_APOLLO;
          objectType = named;
        }
      }
      const out = (outputValue ?? {}) as Data;
      this.selections(inputValue as Data, selections, out, objectType);
      return out;
    }
    if (outputValue !== undefined || !type.leaf!(inputValue)) throw TO_APOLLO;
    return inputValue;
  }
}

// ---------------------------------------------------------------- installation

let installed: { planned: number; fast: number; toApollo: number } | undefined;
/** Apollo's own function, kept when the plan is installed. */
let originalComputeResponse: ComputeResponse | undefined;

/**
 * Installs the planned shaping once per process and returns its counters (plans made,
 * responses it shaped, responses it handed to Apollo's function), which the tests read.
 * Fails at start-up, not per request, if a new @apollo/gateway moves the function.
 */
export function shapeResultsFromPlans(): { readonly planned: number; readonly fast: number; readonly toApollo: number } {
  if (installed) return installed;
  const { fi, shaping } = apolloModules();
  const original = shaping.computeResponse;
  if (typeof original !== 'function') throw new Error('@apollo/gateway: resultShaping.computeResponse is gone; remove gateway/result-shaping.ts');
  const counters = { planned: 0, fast: 0, toApollo: 0 };
  originalComputeResponse = original;
  // The operation is the same object for the same document (gateway/operation-memo.ts).
  const plans = new WeakMap<Operation, Plan | typeof UNPLANNED>();
  shaping.computeResponse = function computeResponseFromPlan(args) {
    const { operation, input } = args;
    if (!input) return original(args);
    let plan = plans.get(operation);
    if (!plan) {
      plans.set(operation, (plan = makePlan(fi, operation)));
      counters.planned++;
    }
    if (plan !== UNPLANNED) {
      try {
        const variables = plan.usesVariables ? { __proto__: null, ...operation.collectDefaultedVariableValues(), ...args.variables } as Data : undefined;
        const data: Data = {};
        new Walk(fi, plan.schema, variables).selections(input, plan.selections, data, plan.root);
        counters.fast++;
        return { data, errors: [] };
      } catch {
        // TO_APOLLO, or a shape this walk did not foresee: Apollo's function decides what the caller gets.
      }
    }
    counters.toApollo++;
    return original(args);
  };
  installed = counters;
  return counters;
}

/** Apollo's own computeResponse (for the tests that hold the two equal). */
export function apolloComputeResponse(): ComputeResponse {
  shapeResultsFromPlans();
  return originalComputeResponse!;
}
