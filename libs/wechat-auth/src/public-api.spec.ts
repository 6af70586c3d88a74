import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import * as ts from 'typescript';

/**
 * Every type that a public signature of `index.ts` reaches (parameters, return types, properties,
 * base classes, type arguments) must be exported from `index.ts` too, or users cannot name it.
 * This walks the exports with the TypeScript checker, like API Extractor's "forgotten export".
 */
function forgottenExports(index: string, options: ts.CompilerOptions): string[] {
  const root = join(index, '..') + sep;
  const program = ts.createProgram([index], { ...options, noEmit: true });
  const checker = program.getTypeChecker();
  const target = (symbol: ts.Symbol): ts.Symbol =>
    symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
  const moduleSymbol = checker.getSymbolAtLocation(program.getSourceFile(index)!)!;
  const exported = new Set(checker.getExportsOfModule(moduleSymbol).map(target));
  const forgotten = new Set<string>();
  const seen = new Set<ts.Type>();

  const declaredHere = (symbol: ts.Symbol): boolean =>
    symbol.declarations?.some((d) => d.getSourceFile().fileName.startsWith(root)) ?? false;

  function checkSymbol(symbol: ts.Symbol | undefined, usedBy: string): void {
    if (!symbol) return;
    const named = target(symbol);
    const ignored =
      ts.SymbolFlags.TypeParameter |
      ts.SymbolFlags.Property |
      ts.SymbolFlags.Method |
      ts.SymbolFlags.EnumMember;
    if (named.flags & ignored || !declaredHere(named) || exported.has(named)) return;
    forgotten.add(`${named.name} (reached from ${usedBy})`);
  }

  /** Inferred types: named ones are checked, anonymous ones are looked into. */
  function visitType(type: ts.Type, usedBy: string, depth = 0): void {
    if (depth > 6 || seen.has(type)) return;
    seen.add(type);
    if (type.aliasSymbol) {
      checkSymbol(type.aliasSymbol, usedBy);
      type.aliasTypeArguments?.forEach((arg) => visitType(arg, usedBy, depth + 1));
      return;
    }
    if (type.isUnionOrIntersection()) {
      type.types.forEach((member) => visitType(member, usedBy, depth + 1));
      return;
    }
    const symbol = type.getSymbol();
    const namedKinds = ts.SymbolFlags.Class | ts.SymbolFlags.Interface | ts.SymbolFlags.Enum;
    if (symbol && symbol.flags & namedKinds) {
      checkSymbol(symbol, usedBy);
      if (type.flags & ts.TypeFlags.Object) {
        const reference = type as ts.TypeReference;
        if ((type as ts.ObjectType).objectFlags & ts.ObjectFlags.Reference) {
          checker.getTypeArguments(reference).forEach((arg) => visitType(arg, usedBy, depth + 1));
        }
      }
      return;
    }
    if (type.flags & ts.TypeFlags.Object) {
      for (const signature of [...type.getCallSignatures(), ...type.getConstructSignatures()]) {
        for (const parameter of signature.getParameters()) {
          visitType(checker.getTypeOfSymbol(parameter), usedBy, depth + 1);
        }
        visitType(signature.getReturnType(), usedBy, depth + 1);
      }
      for (const property of type.getProperties()) {
        visitType(checker.getTypeOfSymbol(property), usedBy, depth + 1);
      }
    }
  }

  /** Written types: every name in them is checked. */
  function visitTypeNode(node: ts.Node | undefined, usedBy: string): void {
    if (!node) return;
    if (ts.isTypeReferenceNode(node)) {
      checkSymbol(checker.getSymbolAtLocation(node.typeName), usedBy);
    } else if (ts.isTypeQueryNode(node)) {
      checkSymbol(checker.getSymbolAtLocation(node.exprName), usedBy);
    } else if (ts.isExpressionWithTypeArguments(node)) {
      const base = checker.getSymbolAtLocation(node.expression);
      // `extends ConfigurableModuleClass`: a value; its type is what the declaration shows.
      if (base && target(base).flags & ts.SymbolFlags.Variable) {
        visitType(checker.getTypeAtLocation(node.expression), usedBy);
      } else {
        checkSymbol(base, usedBy);
      }
    }
    ts.forEachChild(node, (child) => visitTypeNode(child, usedBy));
  }

  function visitSignature(
    node: ts.SignatureDeclaration,
    usedBy: string,
    withReturn: boolean,
  ): void {
    node.typeParameters?.forEach((parameter) => visitTypeNode(parameter, usedBy));
    for (const parameter of node.parameters) {
      if (parameter.type) visitTypeNode(parameter.type, usedBy);
      else visitType(checker.getTypeAtLocation(parameter), usedBy);
    }
    if (!withReturn) return;
    if (node.type) visitTypeNode(node.type, usedBy);
    else {
      const signature = checker.getSignatureFromDeclaration(node);
      if (signature) visitType(signature.getReturnType(), usedBy);
    }
  }

  function visitClass(node: ts.ClassDeclaration, name: string): void {
    node.typeParameters?.forEach((parameter) => visitTypeNode(parameter, name));
    node.heritageClauses?.forEach((clause) => visitTypeNode(clause, name));
    for (const member of node.members) {
      const modifiers = ts.getCombinedModifierFlags(member as ts.Declaration);
      if (
        modifiers & ts.ModifierFlags.Private ||
        (member.name && ts.isPrivateIdentifier(member.name))
      ) {
        continue;
      }
      const usedBy = `${name}.${member.name?.getText() ?? 'constructor'}`;
      if (ts.isConstructorDeclaration(member)) visitSignature(member, usedBy, false);
      else if (
        ts.isMethodDeclaration(member) ||
        ts.isGetAccessor(member) ||
        ts.isSetAccessor(member)
      ) {
        visitSignature(member, usedBy, true);
      } else if (ts.isPropertyDeclaration(member)) {
        if (member.type) visitTypeNode(member.type, usedBy);
        else visitType(checker.getTypeAtLocation(member), usedBy);
      } else if (ts.isIndexSignatureDeclaration(member)) {
        visitTypeNode(member, usedBy);
      }
    }
  }

  for (const symbol of exported) {
    for (const declaration of symbol.declarations ?? []) {
      if (!declaration.getSourceFile().fileName.startsWith(root)) continue;
      const name = symbol.name;
      if (ts.isClassDeclaration(declaration)) visitClass(declaration, name);
      else if (ts.isInterfaceDeclaration(declaration) || ts.isTypeAliasDeclaration(declaration)) {
        visitTypeNode(declaration, name);
      } else if (ts.isFunctionDeclaration(declaration)) visitSignature(declaration, name, true);
      else if (ts.isVariableDeclaration(declaration)) {
        if (declaration.type) visitTypeNode(declaration.type, name);
        else visitType(checker.getTypeAtLocation(declaration), name);
      }
    }
  }
  return [...forgotten].sort();
}

function compilerOptions(): ts.CompilerOptions {
  const parsed = ts.getParsedCommandLineOfConfigFile(
    join(__dirname, '../tsconfig.lib.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
      },
    },
  );
  return parsed!.options;
}

describe('the public API (index.ts)', () => {
  it('exports every type its public signatures reach, constructors included', () => {
    expect(forgottenExports(join(__dirname, 'index.ts'), compilerOptions())).toEqual([]);
  });

  it('the check finds a type that is used but not exported', () => {
    const dir = mkdtempSync(join(tmpdir(), 'public-api-'));
    try {
      writeFileSync(
        join(dir, 'hidden.ts'),
        'export interface Hidden { a: number }\nexport class Engine { run(): void {} }\n',
      );
      writeFileSync(
        join(dir, 'index.ts'),
        "import { Engine, type Hidden } from './hidden';\n" +
          'export class Car { constructor(readonly engine: Engine) {} read(): Hidden { return { a: 1 }; } }\n' +
          'export const make = () => ({ engine: new Engine() });\n',
      );
      expect(forgottenExports(join(dir, 'index.ts'), compilerOptions())).toEqual([
        'Engine (reached from Car.constructor)',
        'Engine (reached from make)',
        'Hidden (reached from Car.read)',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
