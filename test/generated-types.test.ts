// The resolver types generated from the schemas (scripts/codegen.ts) are checked
// in and the resolvers are typed with them. Two guarantees: the checked-in files
// are what the schemas generate now, and a schema change the resolvers don't
// follow is a type error — shown here by renaming a field and an argument of the
// Odoo schema in memory and type-checking the Odoo resolvers against the result.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, test } from 'node:test';
import ts from 'typescript';
import { generateResolverTypes, outputFileOf, staleFiles } from '../scripts/codegen.ts';

const ROOT = resolve(import.meta.dirname, '..');

describe('generated resolver types', () => {
  test('the checked-in files are what the schemas generate (npm run codegen)', async () => {
    assert.deepEqual(await staleFiles(), []);
  });

  test('renaming a schema field or argument without following it in the resolvers fails the type check', async () => {
    const sdl = readFileSync(resolve(ROOT, 'subgraphs/odoo/schema.graphql'), 'utf8');
    const renamed = sdl
      .replace('order(id: ID, number: String): Order', 'order(id: ID, orderNumber: String): Order')
      .replace('  taxId: String\n', '  vatNumber: String\n');
    assert.ok(renamed.includes('orderNumber: String') && renamed.includes('vatNumber: String'), 'both renames applied');

    const generatedFile = outputFileOf('odoo');
    const resolversDir = resolve(ROOT, 'subgraphs/odoo/resolvers');
    /** Type errors in the two Odoo resolver files the renames touch (checking every import is slow; `npm run typecheck` does that). */
    const typeErrors = (generated: string) => {
      const config = ts.getParsedCommandLineOfConfigFile(resolve(ROOT, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} })!;
      const host = ts.createCompilerHost(config.options);
      const readFile = host.readFile.bind(host);
      host.readFile = (f) => (resolve(f) === generatedFile ? generated : readFile(f));
      const getSourceFile = host.getSourceFile.bind(host);
      host.getSourceFile = (f, lang, onError) =>
        resolve(f) === generatedFile ? ts.createSourceFile(f, generated, lang) : getSourceFile(f, lang, onError);
      const program = ts.createProgram([resolve(resolversDir, 'index.ts')], config.options, host);
      const files = ['query.ts', 'account.ts'].map((f) => program.getSourceFile(resolve(resolversDir, f))!);
      return files.flatMap((sf) => [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)]).map((d) => ({
        file: d.file ? resolve(d.file.fileName) : '',
        text: ts.flattenDiagnosticMessageText(d.messageText, '\n'),
      }));
    };

    const errors = typeErrors(await generateResolverTypes('odoo', renamed));
    const inFile = (name: string) => errors.filter((e) => e.file === resolve(resolversDir, name));
    assert.ok(inFile('query.ts').some((e) => /'number'/.test(e.text)), `no error for the renamed argument: ${JSON.stringify(errors)}`);
    assert.ok(inFile('account.ts').some((e) => /'taxId'/.test(e.text)), `no error for the renamed field: ${JSON.stringify(errors)}`);
  });
});
