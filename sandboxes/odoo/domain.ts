// Odoo search domains: Polish-notation lists of leaves `[field, operator, value]`
// and the prefix operators '&', '|', '!' (implicit '&' between top-level terms).
// This module only parses; evaluation lives in the store, which knows the fields.
import { odooErrors } from './errors.ts';

export const LEAF_OPERATORS = [
  '=', '!=', '<>', '<', '<=', '>', '>=', '=?',
  'in', 'not in', 'like', 'not like', 'ilike', 'not ilike', '=like', '=ilike',
  'child_of', 'parent_of', 'any', 'not any',
] as const;
export type LeafOperator = (typeof LEAF_OPERATORS)[number];

export type DomainNode =
  | { kind: 'true' }
  | { kind: 'false' }
  | { kind: 'leaf'; path: string; op: LeafOperator; value: unknown }
  | { kind: 'not'; child: DomainNode }
  | { kind: 'and'; children: DomainNode[] }
  | { kind: 'or'; children: DomainNode[] };

function isLeaf(term: unknown): term is [unknown, unknown, unknown] {
  return Array.isArray(term) && term.length === 3;
}

function parseLeaf(term: [unknown, unknown, unknown]): DomainNode {
  const [left, rawOp, value] = term;
  // TRUE_LEAF (1, '=', 1) and FALSE_LEAF (0, '=', 1)
  if (left === 1 && rawOp === '=' && value === 1) return { kind: 'true' };
  if (left === 0 && rawOp === '=' && value === 1) return { kind: 'false' };
  if (typeof left !== 'string' || typeof rawOp !== 'string') {
    throw odooErrors.value(`Invalid leaf ${JSON.stringify(term)}`);
  }
  const op = rawOp.toLowerCase() as LeafOperator;
  if (!(LEAF_OPERATORS as readonly string[]).includes(op)) {
    throw odooErrors.value(`Invalid leaf operator ${JSON.stringify(rawOp)} in leaf ${JSON.stringify(term)}`);
  }
  return { kind: 'leaf', path: left, op: op === '<>' ? '!=' : op, value };
}

/** Parse a domain (list) into a tree. Throws ValueError like Odoo for malformed domains. */
export function parseDomain(domain: unknown): DomainNode {
  if (domain === undefined || domain === null || domain === false) return { kind: 'true' };
  if (!Array.isArray(domain)) throw odooErrors.value(`Invalid domain: ${JSON.stringify(domain)}`);
  let pos = 0;
  const next = (): DomainNode => {
    if (pos >= domain.length) throw odooErrors.value(`Invalid domain: missing operand in ${JSON.stringify(domain)}`);
    const term = domain[pos++];
    if (term === '&' || term === '|') {
      const a = next();
      const b = next();
      return { kind: term === '&' ? 'and' : 'or', children: [a, b] };
    }
    if (term === '!') return { kind: 'not', child: next() };
    if (isLeaf(term)) return parseLeaf(term);
    if (term === true) return { kind: 'true' };
    if (term === false) return { kind: 'false' };
    throw odooErrors.value(`Invalid domain term ${JSON.stringify(term)}`);
  };
  const terms: DomainNode[] = [];
  while (pos < domain.length) terms.push(next());
  if (terms.length === 0) return { kind: 'true' };
  if (terms.length === 1) return terms[0]!;
  return { kind: 'and', children: terms };
}

/** Field paths (first segment) a domain mentions at any depth. */
export function domainFieldNames(node: DomainNode, out = new Set<string>()): Set<string> {
  switch (node.kind) {
    case 'leaf':
      out.add(node.path.split('.')[0]!);
      break;
    case 'not':
      domainFieldNames(node.child, out);
      break;
    case 'and':
    case 'or':
      for (const c of node.children) domainFieldNames(c, out);
      break;
    default:
      break;
  }
  return out;
}

/** SQL LIKE pattern → RegExp ('%' any run, '_' one character). */
export function likeToRegExp(pattern: string, caseInsensitive: boolean): RegExp {
  let re = '';
  for (const ch of pattern) {
    if (ch === '%') re += '.*';
    else if (ch === '_') re += '.';
    else re += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, caseInsensitive ? 'is' : 's');
}
