// DateTime and Date scalars shared by both subgraphs. Output values are already
// normalised ISO strings (mapping/ does that at the backend boundary); inputs are
// checked strictly so a malformed date is the caller's BAD_USER_INPUT, not a
// backend error later.
import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import { z } from 'zod';

const instant = z.iso.datetime({ offset: true });
const date = z.iso.date();

function scalar(name: string, description: string, check: z.ZodType<string>, normalise: (v: string) => string) {
  const parse = (value: unknown) => {
    const ok = check.safeParse(value);
    if (!ok.success) throw new GraphQLError(`${name} must be ${description}`, { extensions: { code: 'BAD_USER_INPUT' } });
    return normalise(ok.data);
  };
  return new GraphQLScalarType({
    name,
    description,
    serialize: (v) => (v instanceof Date ? normalise(v.toISOString()) : String(v)),
    parseValue: parse,
    parseLiteral: (ast) => parse(ast.kind === Kind.STRING ? ast.value : undefined),
  });
}

export const DateTimeScalar = scalar('DateTime', 'an ISO-8601 instant, e.g. 2026-03-01T08:00:00Z', instant, (v) => new Date(v).toISOString().replace('.000Z', 'Z'));
export const DateScalar = scalar('Date', 'an ISO-8601 date, e.g. 2026-03-01', date, (v) => v);
